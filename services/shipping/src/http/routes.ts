import { HttpApi, HttpProblem, principalOf, problem, Scopes } from '@orderflow/platform';
import { z } from 'zod';
import { findShipment, findStock, listStock } from '../features/read-shipping.js';
import type { ShippingDb } from '../infra/database.js';

const sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, 'upper-case letters, digits and dashes, at most 64');

const stock = z
  .strictObject({
    sku: z.string(),
    available: z.number().int().min(0).describe('Units that can be reserved'),
    reserved: z.number().int().min(0).describe('Units held by scheduled shipments'),
  })
  .meta({ id: 'Stock' });
type Stock = z.input<typeof stock>;

const shipment = z
  .strictObject({
    orderId: z.uuid(),
    shipmentId: z.string().nullable(),
    status: z.enum(['OPEN', 'SCHEDULED', 'FAILED', 'CANCELLED']),
    carrier: z.string().nullable(),
    eta: z.iso.datetime().nullable(),
    lines: z
      .array(z.strictObject({ sku: z.string(), quantity: z.number().int() }))
      .nullable()
      .describe('The order’s lines, once shipping knows the order'),
    failure: z
      .strictObject({
        reason: z.enum(['OUT_OF_STOCK', 'UNDELIVERABLE']),
        detail: z.string().nullable(),
      })
      .nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Shipment' });
type Shipment = z.input<typeof shipment>;

const skuParams = z.object({ sku: sku.describe('The SKU') });
const orderParams = z.object({ orderId: z.guid().describe('The order id (a UUID)') });

/**
 * Read endpoints: stock and shipments (routing and mapping; the reads are in
 * features/). Shipping has no write API: it only reacts.
 */
export function shippingRoutes(db: ShippingDb, version = '0.1.0'): HttpApi {
  const api = new HttpApi({
    title: 'orderflow shipping API',
    version,
    description: 'Stock per SKU and the shipment of each order, as the saga left them.',
  });

  api.get(
    '/stock',
    {
      operationId: 'listStock',
      summary: 'Stock of every SKU, by SKU (the first 1,000)',
      scopes: [Scopes.shippingRead],
      responses: {
        200: { description: 'The stock', body: z.strictObject({ items: z.array(stock) }) },
      },
    },
    async (_input, res) => {
      const items = await listStock(db);
      res.json({ items: items satisfies Stock[] });
    },
  );

  api.get(
    '/stock/{sku}',
    {
      operationId: 'getStock',
      summary: 'Stock of one SKU',
      scopes: [Scopes.shippingRead],
      params: skuParams,
      responses: {
        200: { description: 'The stock', body: stock },
        404: problem('The SKU is not stocked'),
      },
    },
    async ({ params }, res) => {
      const found = await findStock(db, params.sku);
      if (!found) throw HttpProblem.notFound(`SKU ${params.sku} is not stocked`);
      res.json(found satisfies Stock);
    },
  );

  api.get(
    '/shipments/{orderId}',
    {
      operationId: 'getShipment',
      summary: 'The shipment of an order',
      description:
        'Shipping does not know whose order it ships, so only a token with the orderflow:admin scope reads shipments (403 for a customer token).',
      scopes: [Scopes.shippingRead],
      params: orderParams,
      responses: {
        200: { description: 'The shipment', body: shipment },
        403: problem('The token lacks shipping:read or the orderflow:admin scope'),
        404: problem('Shipping has not heard of the order'),
      },
    },
    async ({ params: { orderId } }, res) => {
      if (!principalOf(res).sees.allCustomers) {
        throw new HttpProblem(403, 'Forbidden', 'shipments are for tokens with orderflow:admin');
      }
      const found = await findShipment(db, orderId);
      if (!found) throw HttpProblem.notFound(`shipping has not heard of order ${orderId}`);
      res.json(found satisfies Shipment);
    },
  );

  return api;
}
