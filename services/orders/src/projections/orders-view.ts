import { assertNever } from '@orderflow/decider';
import type { Projection, RecordedEvent } from '@orderflow/messaging';
import { sql } from 'kysely';
import type { OrderEvent } from '../domain/order.js';
import type { OrdersDatabase } from '../infra/database.js';

/** The columns of an orders_view row that events set, by name. */
type Row = Record<string, unknown>;

/**
 * Keeps orders_view in step with the Order streams. It runs inline, in the command's
 * transaction, so a read after a write sees the write; `rebuildProjection` replays the
 * event log into it from scratch.
 *
 * Any number of events costs at most two statements: the events are folded per order
 * in memory into a new row (an order placed in this batch) or a patch of the columns
 * they set (an order placed earlier), written with one insert and one update.
 */
export const ordersView: Projection<OrdersDatabase, OrderEvent> = {
  name: 'orders_view',

  async apply(trx, events) {
    const created = new Map<string, Row>();
    const patched = new Map<string, Row>();
    for (const recorded of events) {
      const orderId = recorded.streamId.replace(/^order-/, '');
      const change = columnsOf(recorded);
      const row = created.get(orderId) ?? patched.get(orderId);
      if (row) Object.assign(row, change);
      else if (recorded.type === 'OrderPlaced')
        created.set(orderId, { order_id: orderId, ...change });
      else patched.set(orderId, { order_id: orderId, ...change });
    }
    if (created.size > 0) {
      await sql`
        insert into orders_view (order_id, customer_id, correlation_id, status, total_minor,
          currency, items, cancel_reason, cancel_detail, payment_id, shipment_id, placed_at,
          updated_at, version)
        select r.order_id, r.customer_id, r.correlation_id, r.status, r.total_minor, r.currency,
          r.items, r.cancel_reason, r.cancel_detail, r.payment_id, r.shipment_id, r.placed_at,
          r.updated_at, r.version
        from jsonb_populate_recordset(null::orders_view, ${JSON.stringify([...created.values()])}::jsonb) r
      `.execute(trx);
    }
    if (patched.size > 0) {
      // Only the columns a patch names change: a patch may set a column to null. The ids
      // again as an array: the planner takes a function's rows for a hundred and would
      // join them with a scan of the whole table, where `= any` on the key probes it.
      await sql`
        update orders_view v set
          status = case when patch ? 'status' then patch->>'status' else v.status end,
          cancel_reason = case when patch ? 'cancel_reason' then patch->>'cancel_reason' else v.cancel_reason end,
          cancel_detail = case when patch ? 'cancel_detail' then patch->>'cancel_detail' else v.cancel_detail end,
          payment_id = case when patch ? 'payment_id' then patch->>'payment_id' else v.payment_id end,
          shipment_id = case when patch ? 'shipment_id' then patch->>'shipment_id' else v.shipment_id end,
          updated_at = (patch->>'updated_at')::timestamptz,
          version = (patch->>'version')::integer
        from jsonb_array_elements(${JSON.stringify([...patched.values()])}::jsonb) as p(patch)
        where v.order_id = patch->>'order_id' and v.order_id = any(${[...patched.keys()]}::text[])
      `.execute(trx);
    }
  },

  async reset(trx) {
    await trx.deleteFrom('orders_view').execute();
  },
};

/** The columns one event sets. */
function columnsOf(recorded: RecordedEvent<OrderEvent>): Row {
  const event: OrderEvent = recorded;
  const touched = { updated_at: recorded.recordedAt.toISOString(), version: recorded.version };
  switch (event.type) {
    case 'OrderPlaced':
      return {
        customer_id: event.data.customerId,
        correlation_id: recorded.metadata['correlationId'],
        status: 'PENDING',
        total_minor: event.data.total.amountMinor,
        currency: event.data.total.currency,
        items: event.data.items,
        cancel_reason: null,
        cancel_detail: null,
        payment_id: null,
        shipment_id: null,
        placed_at: event.data.placedAt,
        ...touched,
      };
    case 'PaymentAuthorized':
      return { payment_id: event.data.paymentId, ...touched };
    case 'ShipmentScheduled':
      return { shipment_id: event.data.shipmentId, ...touched };
    case 'OrderConfirmed':
      return { status: 'CONFIRMED', ...touched };
    case 'OrderCancelled':
      return {
        status: 'CANCELLED',
        cancel_reason: event.data.reason,
        cancel_detail: event.data.detail ?? null,
        ...touched,
      };
    default:
      return assertNever(event);
  }
}
