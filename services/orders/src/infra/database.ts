import type { MessagingTables } from '@orderflow/messaging';
import type { ColumnType, Generated, Kysely } from 'kysely';

/** The orders_view projection: one row per order, the read side of the aggregate. */
export interface OrdersViewTable {
  order_id: string;
  customer_id: string;
  /** The saga's correlation id, for events the service causes later (the deadline). */
  correlation_id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  /** bigint: pg returns it as a string */
  total_minor: ColumnType<string, number, number>;
  currency: string;
  items: ColumnType<unknown, string, string>;
  cancel_reason: string | null;
  cancel_detail: string | null;
  payment_id: string | null;
  shipment_id: string | null;
  placed_at: Date;
  updated_at: Date;
  version: number;
}

/** What arrived from which service, when: the saga history shown by GET /orders/{id}. */
export interface SagaLogTable {
  id: Generated<string>;
  order_id: string;
  event_id: string;
  type: string;
  source: string;
  occurred_at: Date;
  recorded_at: Generated<Date>;
}

/** POST /orders retries with the same Idempotency-Key return the first answer. */
export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  order_id: string;
  created_at: Generated<Date>;
}

export interface OrdersDatabase extends MessagingTables {
  orders_view: OrdersViewTable;
  saga_log: SagaLogTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type OrdersDb = Kysely<OrdersDatabase>;
