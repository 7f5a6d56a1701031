import type { Selectable } from 'kysely';
import type { Money, OrderLine } from '../domain/order.js';
import type { OrdersDb, OrdersViewTable } from '../infra/database.js';
import { streamOf } from './order-commands.js';

/** An order as the read side shows it (the HTTP schema `Order` describes this shape). */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrdersViewTable['status'];
  total: Money;
  items: OrderLine[];
  cancellation: { reason: string; detail: string | null } | null;
  paymentId: string | null;
  shipmentId: string | null;
  placedAt: string;
  updatedAt: string;
  version: number;
}

export async function findOrder(db: OrdersDb, orderId: string): Promise<OrderView | undefined> {
  const row = await db
    .selectFrom('orders_view')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row && toView(row);
}

/**
 * The order's saga history: its own events (from its stream, with their data) and
 * every event the other services sent about it (from the saga log, which keeps when
 * and from where, not the data: their read APIs hold that), in the order they happened.
 */
export async function sagaHistory(db: OrdersDb, orderId: string) {
  const own = await db
    .selectFrom('events')
    .select(['type', 'data', 'recorded_at as at'])
    .where('stream_id', '=', streamOf(orderId))
    .where('type', 'in', ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'])
    .execute();
  const received = await db
    .selectFrom('saga_log')
    .select(['type', 'source', 'occurred_at as at', 'id'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return [
    ...own.map((e) => ({
      type: e.type,
      source: '/orderflow/orders',
      at: e.at,
      // The events column is JSON: an order event's data is always an object.
      data: e.data as Record<string, unknown>,
    })),
    ...received.map((e) => ({ type: e.type, source: e.source, at: e.at, data: null })),
  ]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((e) => ({
      type: e.type,
      source: e.source,
      occurredAt: e.at.toISOString(),
      data: e.data,
    }));
}

/** Newest first, keyset-paginated on (placed_at, order_id) so pages never shift. */
export async function listOrders(
  db: OrdersDb,
  query: {
    status?: OrderView['status'] | undefined;
    limit: number;
    cursor?: string | undefined;
    /** Only this customer's orders; undefined: everyone's. */
    customerId?: string | undefined;
  },
) {
  let select = db.selectFrom('orders_view').selectAll();
  if (query.customerId !== undefined) select = select.where('customer_id', '=', query.customerId);
  if (query.status) select = select.where('status', '=', query.status);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (after) {
    select = select.where((eb) =>
      eb.or([
        eb('placed_at', '<', after.placedAt),
        eb.and([eb('placed_at', '=', after.placedAt), eb('order_id', '<', after.orderId)]),
      ]),
    );
  }
  const rows = await select
    .orderBy('placed_at', 'desc')
    .orderBy('order_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor(last.placed_at, last.order_id) : null,
  };
}

function toView(row: Selectable<OrdersViewTable>): OrderView {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    status: row.status,
    total: { amountMinor: Number(row.total_minor), currency: row.currency },
    // A JSON column: the rows are written from validated order lines only.
    items: row.items as OrderView['items'],
    cancellation: row.cancel_reason
      ? { reason: row.cancel_reason, detail: row.cancel_detail }
      : null,
    paymentId: row.payment_id,
    shipmentId: row.shipment_id,
    placedAt: row.placed_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/**
 * A page position, `<placed_at in epoch milliseconds>_<order id>`. Every string of this
 * pattern is a position (a page after it may be empty); the HTTP layer refuses others.
 */
export const orderCursorPattern =
  /^[0-9]{1,15}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function encodeCursor(placedAt: Date, orderId: string): string {
  return `${placedAt.getTime()}_${orderId}`;
}

function decodeCursor(cursor: string): { placedAt: Date; orderId: string } {
  const [time, orderId = ''] = cursor.split('_');
  return { placedAt: new Date(Number(time)), orderId };
}
