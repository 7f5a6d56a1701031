import type { Executor } from '@orderflow/messaging';
import type { Kysely } from 'kysely';
import type { Line } from '../domain/shipment.js';
import type { ShippingDatabase } from '../infra/database.js';

/**
 * Reads the available units of the lines' SKUs and locks their rows until commit, so
 * that two orders competing for the last units are decided one after the other. The
 * rows are locked in SKU order, so orders sharing several SKUs never deadlock. A SKU
 * without a row has 0 available.
 */
export async function lockStock(
  trx: Executor,
  lines: readonly Line[],
): Promise<Record<string, number>> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  if (skus.length === 0) return {};
  const rows = await (trx as Kysely<ShippingDatabase>)
    .selectFrom('stock')
    .select(['sku', 'available'])
    .where('sku', 'in', skus)
    .orderBy('sku')
    .forUpdate()
    .execute();
  return Object.fromEntries(rows.map((r) => [r.sku, r.available]));
}
