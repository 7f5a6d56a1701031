import type { Selectable } from 'kysely';
import type { ShipmentsViewTable, ShippingDb, StockTable } from '../infra/database.js';

/** Stock of every SKU, by SKU, the first 1,000. */
export async function listStock(db: ShippingDb) {
  const rows = await db.selectFrom('stock').selectAll().orderBy('sku').limit(1_000).execute();
  return rows.map(toStock);
}

export async function findStock(db: ShippingDb, sku: string) {
  const row = await db.selectFrom('stock').selectAll().where('sku', '=', sku).executeTakeFirst();
  return row && toStock(row);
}

/** The shipment of an order, as the saga left it; undefined when shipping has not heard of it. */
export async function findShipment(db: ShippingDb, orderId: string) {
  const row = await db
    .selectFrom('shipments_view')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row && toShipment(row);
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
