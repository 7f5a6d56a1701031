import { assertNever } from '@orderflow/events';
import type { Executor, Projection, RecordedEvent } from '@orderflow/messaging';
import type { OrderEvent } from '../domain/order.js';
import type { Kysely, Updateable } from 'kysely';
import type { OrdersDatabase, OrdersViewTable } from '../infra/database.js';

/**
 * Keeps orders_view in step with the Order streams. It runs inline, in the command's
 * transaction, so a read after a write sees the write; `npm run orders:rebuild-view`
 * replays the event log into it from scratch.
 */
export const ordersView: Projection = {
  name: 'orders_view',

  async apply(trx: Executor, events: readonly RecordedEvent[]) {
    const db = trx as Kysely<OrdersDatabase>;
    for (const recorded of events as readonly RecordedEvent<OrderEvent>[]) {
      const event = { type: recorded.type, data: recorded.data } as OrderEvent;
      const orderId = recorded.streamId.replace(/^order-/, '');
      const touched = { updated_at: recorded.recordedAt, version: recorded.version };
      switch (event.type) {
        case 'OrderPlaced':
          await db
            .insertInto('orders_view')
            .values({
              order_id: orderId,
              customer_id: event.data.customerId,
              correlation_id: recorded.metadata['correlationId'] as string,
              status: 'PENDING',
              total_minor: event.data.total.amountMinor,
              currency: event.data.total.currency,
              items: JSON.stringify(event.data.items),
              cancel_reason: null,
              cancel_detail: null,
              payment_id: null,
              shipment_id: null,
              placed_at: new Date(event.data.placedAt),
              ...touched,
            })
            .execute();
          break;
        case 'PaymentAuthorized':
          await update(db, orderId, { payment_id: event.data.paymentId, ...touched });
          break;
        case 'ShipmentScheduled':
          await update(db, orderId, { shipment_id: event.data.shipmentId, ...touched });
          break;
        case 'OrderConfirmed':
          await update(db, orderId, { status: 'CONFIRMED', ...touched });
          break;
        case 'OrderCancelled':
          await update(db, orderId, {
            status: 'CANCELLED',
            cancel_reason: event.data.reason,
            cancel_detail: event.data.detail ?? null,
            ...touched,
          });
          break;
        default:
          assertNever(event);
      }
    }
  },

  async reset(trx: Executor) {
    await (trx as Kysely<OrdersDatabase>).deleteFrom('orders_view').execute();
  },
};

function update(db: Kysely<OrdersDatabase>, orderId: string, values: Updateable<OrdersViewTable>) {
  return db.updateTable('orders_view').set(values).where('order_id', '=', orderId).execute();
}
