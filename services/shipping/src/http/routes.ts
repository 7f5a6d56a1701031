import { HttpProblem, validate } from '@orderflow/platform';
import type { Selectable } from 'kysely';
import { Router } from 'express';
import { z } from 'zod';
import type { ShipmentsViewTable, ShippingDb, StockTable } from '../infra/database.js';

const sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, 'upper-case letters, digits and dashes, at most 64');
const orderId = z.uuid();

/** Read endpoints: stock and shipments. Shipping has no write API: it only reacts. */
export function shippingRoutes(db: ShippingDb): Router {
  const routes = Router();

  routes.get('/stock', async (_req, res) => {
    const rows = await db.selectFrom('stock').selectAll().orderBy('sku').limit(1_000).execute();
    res.json({ items: rows.map(toStock) });
  });

  routes.get('/stock/:sku', async (req, res) => {
    const id = validate(sku, req.params['sku'], 'SKU');
    const row = await db.selectFrom('stock').selectAll().where('sku', '=', id).executeTakeFirst();
    if (!row) throw HttpProblem.notFound(`SKU ${id} is not stocked`);
    res.json(toStock(row));
  });

  routes.get('/shipments/:orderId', async (req, res) => {
    const id = validate(orderId, req.params['orderId'], 'order id');
    const row = await db
      .selectFrom('shipments_view')
      .selectAll()
      .where('order_id', '=', id)
      .executeTakeFirst();
    if (!row) throw HttpProblem.notFound(`shipping has not heard of order ${id}`);
    res.json(toShipment(row));
  });

  return routes;
}

function toStock(row: Selectable<StockTable>) {
  return { sku: row.sku, available: row.available, reserved: row.reserved };
}

function toShipment(row: Selectable<ShipmentsViewTable>) {
  return {
    orderId: row.order_id,
    shipmentId: row.shipment_id,
    status: row.status,
    carrier: row.carrier,
    eta: row.eta?.toISOString() ?? null,
    lines: row.lines,
    failure: row.failure_reason ? { reason: row.failure_reason, detail: row.failure_detail } : null,
    updatedAt: row.updated_at.toISOString(),
  };
}
