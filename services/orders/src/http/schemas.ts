import { z } from 'zod';

/**
 * The orders API's request and response shapes. Requests are validated with these
 * schemas and /openapi.json is generated from them, so the document and the
 * validation cannot drift apart.
 */
const sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, 'upper-case letters, digits and dashes, at most 64');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');

export const money = z
  .object({
    amountMinor: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .describe('Amount in minor units (cents)'),
    currency,
  })
  .meta({ id: 'Money' });

export const address = z
  .object({
    recipient: z.string().trim().min(1).max(200),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).nullish(),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE'),
  })
  .meta({ id: 'Address' });

export const orderLine = z
  .object({ sku, quantity: z.number().int().min(1).max(1_000), unitPrice: money })
  .meta({ id: 'OrderLine' });

export const placeOrderRequest = z
  .object({
    customerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64'),
    items: z
      .array(orderLine)
      .min(1)
      .max(50)
      .refine(
        (items) => new Set(items.map((i) => i.sku)).size === items.length,
        'each SKU at most once',
      ),
    shippingAddress: address,
  })
  .strict()
  .meta({ id: 'PlaceOrderRequest' });
export type PlaceOrderRequest = z.infer<typeof placeOrderRequest>;

export const orderStatus = z
  .enum(['PENDING', 'CONFIRMED', 'CANCELLED'])
  .meta({ id: 'OrderStatus' });

export const listOrdersQuery = z
  .object({
    status: orderStatus.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const orderIdParam = z.string().uuid();

export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'printable ASCII, 1 to 200 characters');

export const sagaStep = z
  .object({
    type: z.string(),
    source: z.string().describe('CloudEvents source of the service that produced the event'),
    occurredAt: z.iso.datetime(),
  })
  .meta({ id: 'SagaStep' });

export const order = z
  .object({
    orderId: z.uuid(),
    customerId: z.string(),
    status: orderStatus,
    total: money,
    items: z.array(orderLine),
    cancellation: z.object({ reason: z.string(), detail: z.string().nullable() }).nullable(),
    paymentId: z.string().nullable(),
    shipmentId: z.string().nullable(),
    placedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Order' });
export type OrderView = z.infer<typeof order>;

export const orderWithHistory = order
  .extend({ history: z.array(sagaStep) })
  .meta({ id: 'OrderWithHistory' });

export const orderPage = z
  .object({ items: z.array(order), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderPage' });
