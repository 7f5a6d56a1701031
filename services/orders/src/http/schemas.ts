import { storedText } from '@orderflow/platform';
import { z } from 'zod';
import { orderCursorPattern } from '../features/read-orders.js';

/**
 * The orders API's request and response shapes. Requests are validated with these
 * schemas and /openapi.json is generated from them, so the document and the
 * validation cannot drift apart. Every object is strict: a field the API does not
 * know is refused (400) rather than silently dropped, at any depth.
 */
const sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, 'upper-case letters, digits and dashes, at most 64');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const customerId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');

export const money = z
  .strictObject({
    amountMinor: z
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .describe('Unit price in minor units (cents): a positive integer'),
    currency,
  })
  .meta({ id: 'Money' });

/** A sum of prices: positive, without the cap of a single price. */
export const total = z
  .strictObject({ amountMinor: z.number().int().min(1), currency })
  .meta({ id: 'Total' });

export const address = z
  .strictObject({
    recipient: storedText(200),
    line1: storedText(200),
    line2: storedText(200, { blank: true }).nullish(),
    city: storedText(100),
    postalCode: storedText(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE'),
  })
  .meta({ id: 'Address' });

export const orderLine = z
  .strictObject({ sku, quantity: z.number().int().min(1).max(1_000), unitPrice: money })
  .meta({ id: 'OrderLine' });

/** Rules no JSON Schema can state; the API answers 422 when a request breaks one. */
export const orderRules = 'Each SKU at most once, and every unit price in one currency.';

export const placeOrderRequest = z
  .strictObject({
    customerId,
    items: z
      .array(orderLine)
      .min(1)
      .max(50)
      .describe(`The order lines. ${orderRules} (422 otherwise)`),
    shippingAddress: address,
  })
  .meta({ id: 'PlaceOrderRequest' });
export type PlaceOrderRequest = z.infer<typeof placeOrderRequest>;

export const orderStatus = z
  .enum(['PENDING', 'CONFIRMED', 'CANCELLED'])
  .meta({ id: 'OrderStatus' });

export const listOrdersQuery = z.strictObject({
  status: orderStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size'),
  cursor: z
    .string()
    .regex(orderCursorPattern, 'a nextCursor from an earlier page')
    .optional()
    .describe('Where the page starts: the nextCursor of the page before'),
  customerId: customerId
    .optional()
    .describe(
      'Only this customer’s orders. A customer token may name its own customer only (403 otherwise)',
    ),
});

export const orderIdParams = z.object({ orderId: z.guid().describe('The order id (a UUID)') });

export const placeOrderHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'printable ASCII without spaces, 1 to 200 characters')
    .optional()
    .describe(
      'Retries with the same key and body return the first answer (200); the same key with another body is refused (422)',
    ),
});

export const sagaStep = z
  .strictObject({
    type: z.string(),
    source: z.string().describe('CloudEvents source of the service that produced the event'),
    occurredAt: z.iso.datetime(),
    data: z
      .looseObject({})
      .nullable()
      .describe(
        'The event’s data for the orders service’s own events; null for the other services’ events, whose state their own read APIs give',
      ),
  })
  .meta({ id: 'SagaStep' });

export const order = z
  .strictObject({
    orderId: z.uuid(),
    customerId: z.string(),
    status: orderStatus,
    total,
    items: z.array(orderLine),
    cancellation: z
      .strictObject({
        reason: z
          .string()
          .describe('PAYMENT_DECLINED, OUT_OF_STOCK, UNDELIVERABLE, CUSTOMER_REQUEST or TIMEOUT'),
        detail: z.string().nullable(),
      })
      .nullable(),
    paymentId: z.string().nullable(),
    shipmentId: z.string().nullable(),
    placedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Order' });

export const orderWithHistory = order
  .extend({ history: z.array(sagaStep) })
  .meta({ id: 'OrderWithHistory' });

export const orderPage = z
  .strictObject({ items: z.array(order), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderPage' });
