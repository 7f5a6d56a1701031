import { assertNever } from '@orderflow/events';
import type { Executor, Projection, RecordedEvent } from '@orderflow/messaging';
import type { Kysely, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Line, ShipmentEvent } from '../domain/shipment.js';
import type { ShipmentsViewTable, ShippingDatabase } from '../infra/database.js';

/**
 * Applies shipment events to the stock and to shipments_view, inline, in the
 * command's transaction: a scheduled shipment moves its units from available to
 * reserved, a cancelled one moves them back. So available + reserved stays at the
 * opening stock (invariant I5), and a rebuild can recompute both from the event log.
 */
export const reservations: Projection = {
  name: 'shipping_reservations',

  async apply(trx: Executor, events: readonly RecordedEvent[]) {
    const db = trx as Kysely<ShippingDatabase>;
    for (const recorded of events as readonly RecordedEvent<ShipmentEvent>[]) {
      const event = { type: recorded.type, data: recorded.data } as ShipmentEvent;
      const at = recorded.recordedAt;
      const { orderId } = event.data;
      switch (event.type) {
        case 'OrderNoted':
          await upsert(db, orderId, { lines: JSON.stringify(event.data.lines) }, at);
          break;
        case 'PaymentNoted':
          await upsert(db, orderId, {}, at);
          break;
        case 'ShipmentScheduled': {
          const { shipmentId, lines, carrier, eta } = event.data;
          await moveStock(db, lines, +1, at);
          await upsert(
            db,
            orderId,
            {
              status: 'SCHEDULED',
              shipment_id: shipmentId,
              carrier,
              eta: new Date(eta),
              lines: JSON.stringify(lines),
            },
            at,
          );
          break;
        }
        case 'ShipmentFailed':
          await upsert(
            db,
            orderId,
            {
              status: 'FAILED',
              failure_reason: event.data.reason,
              failure_detail: event.data.detail,
            },
            at,
          );
          break;
        case 'ShipmentCancelled':
          await moveStock(db, event.data.lines, -1, at);
          await upsert(db, orderId, { status: 'CANCELLED' }, at);
          break;
        case 'CancellationNoted':
          await upsert(db, orderId, { status: 'CANCELLED' }, at);
          break;
        default:
          assertNever(event);
      }
    }
  },

  // Only while no handler runs: between this reset and the replay the stock reads as unreserved.
  async reset(trx: Executor) {
    const db = trx as Kysely<ShippingDatabase>;
    await db.deleteFrom('shipments_view').execute();
    await db
      .updateTable('stock')
      .set({ available: sql`opening_available`, reserved: 0, updated_at: sql`now()` })
      .execute();
  },
};

/** direction +1 reserves the lines, -1 releases them. */
async function moveStock(db: Kysely<ShippingDatabase>, lines: Line[], direction: 1 | -1, at: Date) {
  for (const { sku, quantity } of lines) {
    const units = direction * quantity;
    const result = await db
      .updateTable('stock')
      .set({
        available: sql`available - ${units}`,
        reserved: sql`reserved + ${units}`,
        updated_at: at,
      })
      .where('sku', '=', sku)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw new Error(`no stock row for SKU ${sku}`);
  }
}

/** Creates the order's row on its first event, OPEN until a decision sets the status. */
function upsert(
  db: Kysely<ShippingDatabase>,
  orderId: string,
  changes: Updateable<ShipmentsViewTable>,
  at: Date,
) {
  return db
    .insertInto('shipments_view')
    .values({ order_id: orderId, status: 'OPEN', ...changes, updated_at: at })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ ...changes, updated_at: at }))
    .execute();
}
