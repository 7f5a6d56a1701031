import type { Executor } from '@orderflow/messaging';
import type { LockRows } from '@orderflow/platform';
import type { Kysely } from 'kysely';
import type { ShippingDatabase } from '../infra/database.js';

/**
 * The stock rows a batch of events may reserve or release, locked before any of its
 * handlers runs and in SKU order: the lines of new orders, and the lines shipping
 * already knows of orders whose payment or cancellation arrives. Handlers lock
 * their SKUs again as they go, which is then immediate; without this, two batches
 * could each hold one SKU and wait for the other's.
 */
export const lockBatchStock: LockRows = async (trx: Executor, events) => {
  const db = trx as Kysely<ShippingDatabase>;
  const skus = new Set<string>();
  const known: string[] = [];
  for (const { event } of events) {
    if (event.type === 'OrderPlaced') for (const item of event.data.items) skus.add(item.sku);
    if (event.type === 'PaymentAuthorized' || event.type === 'OrderCancelled') {
      known.push(event.data.orderId);
    }
  }
  if (known.length > 0) {
    const rows = await db
      .selectFrom('shipments_view')
      .select('lines')
      .where('order_id', 'in', known)
      .execute();
    for (const { lines } of rows) for (const line of lines ?? []) skus.add(line.sku);
  }
  if (skus.size === 0) return;
  await db
    .selectFrom('stock')
    .select('sku')
    .where('sku', 'in', [...skus].sort())
    .orderBy('sku')
    .forUpdate()
    .execute();
};
