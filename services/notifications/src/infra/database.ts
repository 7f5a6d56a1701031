import type { NotificationKind } from '@orderflow/events';
import type { MessagingTables } from '@orderflow/messaging';
import type { ColumnType, Generated, Kysely } from 'kysely';

/** What notifications remembers from OrderPlaced: who to tell, and the order's total. */
export interface OrderContactsTable {
  order_id: string;
  customer_id: string;
  /** Derived from the customer id (see `recipientFor`); a real system would look it up. */
  email: string;
  /** bigint: pg returns it as a string */
  total_minor: ColumnType<string, number, number>;
  currency: string;
  placed_at: Date;
  recorded_at: Generated<Date>;
}

export type NotificationStatus = 'PENDING' | 'SENT';

/**
 * One row per (order, kind): the primary key is the dedupe that makes "exactly one
 * notification per order outcome" (invariant I6, docs/invariants.md) hold however
 * often the outcome arrives.
 * The e-mail is rendered when the row is written, so a re-send is the same e-mail.
 */
export interface NotificationsTable {
  order_id: string;
  kind: NotificationKind;
  customer_id: string;
  recipient: string;
  subject: string;
  body: string;
  message_id: string;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  /** Carried into NotificationSent: the saga's correlation id, and the outcome event's id. */
  correlation_id: string;
  causation_id: string;
  /** W3C trace context of the consumed outcome, so NotificationSent joins the order's trace. */
  trace_context: ColumnType<Record<string, string>, string, string>;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export interface NotificationsDatabase extends MessagingTables {
  order_contacts: OrderContactsTable;
  notifications: NotificationsTable;
}

export type NotificationsDb = Kysely<NotificationsDatabase>;
