import { assertNever } from '@orderflow/decider';
import type { Executor, Projection } from '@orderflow/messaging';
import { sql } from 'kysely';
import type { ShipmentEvent } from '../domain/shipment.js';
import type { ShippingDatabase } from '../infra/database.js';

/** The shipments_view columns events set, by name; the row's other columns stay. */
type Patch = Record<string, unknown> & { order_id: string; updated_at: string };

/**
 * Applies shipment events to the stock and to shipments_view, inline, in the
 * command's transaction: a scheduled shipment moves its units from available to
 * reserved, a cancelled one moves them back. So available + reserved stays at the
 * opening stock (invariant I5, docs/invariants.md), and a rebuild can recompute both
 * from the event log.
 *
 * Any number of events costs at most three statements: the stock moves summed per
 * SKU, and the view's changes folded per order, updating the rows that exist and
 * creating the others (OPEN until a decision sets the status).
 */
export const reservations: Projection<ShippingDatabase, ShipmentEvent> = {
  name: 'shipping_reservations',

  async apply(db, events) {
    const moves = new Map<string, number>();
    const patches = new Map<string, Patch>();
    for (const recorded of events) {
      const event: ShipmentEvent = recorded;
      const { orderId } = event.data;
      const patch = (change: Record<string, unknown>) => {
        const row = patches.get(orderId) ?? { order_id: orderId, updated_at: '' };
        patches.set(orderId, { ...row, ...change, updated_at: recorded.recordedAt.toISOString() });
      };
      switch (event.type) {
        case 'OrderNoted':
          patch({ lines: event.data.lines });
          break;
        case 'PaymentNoted':
          patch({});
          break;
        case 'ShipmentScheduled': {
          const { shipmentId, lines, carrier, eta } = event.data;
          for (const l of lines) moves.set(l.sku, (moves.get(l.sku) ?? 0) + l.quantity);
          patch({ status: 'SCHEDULED', shipment_id: shipmentId, carrier, eta, lines });
          break;
        }
        case 'ShipmentFailed':
          patch({
            status: 'FAILED',
            failure_reason: event.data.reason,
            failure_detail: event.data.detail,
          });
          break;
        case 'ShipmentCancelled':
          for (const l of event.data.lines) moves.set(l.sku, (moves.get(l.sku) ?? 0) - l.quantity);
          patch({ status: 'CANCELLED' });
          break;
        case 'CancellationNoted':
          patch({ status: 'CANCELLED' });
          break;
        default:
          assertNever(event);
      }
    }
    await moveStock(db, moves);
    if (patches.size > 0) await writeShipments(db, [...patches.values()]);
  },

  // Only while no handler runs: between this reset and the replay the stock reads as unreserved.
  async reset(db) {
    await db.deleteFrom('shipments_view').execute();
    await db
      .updateTable('stock')
      .set({ available: sql`opening_available`, reserved: 0, updated_at: sql`now()` })
      .execute();
  },
};

/** Units reserved (positive) or released (negative) per SKU, in one statement. */
async function moveStock(db: Executor<ShippingDatabase>, moves: Map<string, number>) {
  const changed = [...moves].filter(([, units]) => units !== 0);
  if (changed.length === 0) return;
  const { rows } = await sql<{ sku: string }>`
    update stock s set available = s.available - m.units, reserved = s.reserved + m.units,
      updated_at = now()
    from unnest(${changed.map(([sku]) => sku)}::text[], ${changed.map(([, u]) => u)}::integer[])
      as m(sku, units)
    where s.sku = m.sku
    returning s.sku`.execute(db);
  if (rows.length !== changed.length) {
    const found = new Set(rows.map((r) => r.sku));
    const missing = changed.map(([sku]) => sku).filter((sku) => !found.has(sku));
    throw new Error(`no stock row for SKU(s) ${missing.join(', ')}`);
  }
}

/** Changes the rows that exist (only the columns a patch names), then creates the others. */
async function writeShipments(db: Executor<ShippingDatabase>, patches: Patch[]) {
  const json = JSON.stringify(patches);
  const has = (column: string) =>
    sql.raw(`case when p ? '${column}' then r.${column} else v.${column} end`);
  const { rows } = await sql<{ order_id: string }>`
    update shipments_view v set
      status = ${has('status')}, shipment_id = ${has('shipment_id')},
      carrier = ${has('carrier')}, eta = ${has('eta')}, lines = ${has('lines')},
      failure_reason = ${has('failure_reason')}, failure_detail = ${has('failure_detail')},
      updated_at = r.updated_at
    from jsonb_array_elements(${json}::jsonb) as e(p),
      jsonb_populate_record(null::shipments_view, e.p) as r
    where v.order_id = r.order_id and v.order_id = any(${patches.map((p) => p.order_id)}::text[])
    returning v.order_id`.execute(db);
  const updated = new Set(rows.map((r) => r.order_id));
  const created = patches.filter((p) => !updated.has(p.order_id));
  if (created.length === 0) return;
  await sql`
    insert into shipments_view (order_id, shipment_id, status, carrier, eta, lines,
      failure_reason, failure_detail, updated_at)
    select r.order_id, r.shipment_id, coalesce(r.status, 'OPEN'), r.carrier, r.eta, r.lines,
      r.failure_reason, r.failure_detail, r.updated_at
    from jsonb_populate_recordset(null::shipments_view, ${JSON.stringify(created)}::jsonb) r`.execute(
    db,
  );
}
