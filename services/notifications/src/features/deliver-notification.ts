import type { Context } from '@opentelemetry/api';
import type { OutboxMessage } from '@orderflow/messaging';
import { enqueue, lockKeys } from '@orderflow/messaging';
import type { EventPublisher } from '@orderflow/platform';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { NotificationsDb, NotificationsTable } from '../infra/database.js';
import { lockKeysFor } from './record-order-outcomes.js';

export type PendingNotification = Selectable<NotificationsTable>;

/** A row whose e-mail the SMTP server accepted, with the trace its event continues. */
export interface Accepted {
  row: PendingNotification;
  traceContext: Context;
}

/** PENDING rows whose next attempt is due, oldest due first. */
export function dueNotifications(db: NotificationsDb, now: Date, limit: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('status', '=', 'PENDING')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}

/**
 * After the SMTP server accepted their e-mails: marks the rows SENT and enqueues one
 * NotificationSent per row, in one transaction, so each event is published if and only
 * if its row says SENT. The update only matches PENDING rows, and events are enqueued
 * for the rows it returned only, so even two senders racing (a leader that lost its
 * lock mid-send) enqueue the event at most once. Returns the rows marked SENT.
 */
export async function markSent(
  db: NotificationsDb,
  publisher: EventPublisher,
  accepted: readonly Accepted[],
  now: Date,
): Promise<PendingNotification[]> {
  if (accepted.length === 0) return [];
  // Encoded before the transaction opens, so it holds its key locks for SQL only.
  const events = new Map<string, { message: OutboxMessage; accepted: Accepted }>();
  for (const a of accepted) {
    const { row } = a;
    const message = await publisher.message(
      'NotificationSent',
      { orderId: row.order_id, customerId: row.customer_id, kind: row.kind, channel: 'EMAIL' },
      { correlationId: row.correlation_id, causationId: row.causation_id },
      now,
    );
    events.set(rowKey(row), { message, accepted: a });
  }
  return db.transaction().execute(async (trx) => {
    // First, before any write, and in one call: every outbox key of the transaction.
    await lockKeys(
      trx,
      accepted.flatMap((a) => lockKeysFor(a.row.order_id)),
    );
    const updated = await trx
      .updateTable('notifications')
      .set({ status: 'SENT', sent_at: now, attempts: sql`attempts + 1`, last_error: null })
      .where('status', '=', 'PENDING')
      .where((eb) =>
        eb(
          eb.refTuple('order_id', 'kind'),
          'in',
          accepted.map((a) => eb.tuple(a.row.order_id, a.row.kind)),
        ),
      )
      .returning(['order_id', 'kind'])
      .execute();
    const marked = updated.flatMap((row) => events.get(rowKey(row)) ?? []);
    // One statement; each NotificationSent continues its own order's trace.
    await enqueue(
      trx,
      marked.map(({ message, accepted }) => ({ ...message, context: accepted.traceContext })),
    );
    return marked.map(({ accepted }) => accepted.row);
  });
}

const rowKey = (row: Pick<PendingNotification, 'order_id' | 'kind'>) =>
  `${row.order_id}\u0000${row.kind}`;

/** A failed attempt: the row stays PENDING, with the error and when to try again. */
export async function recordFailure(
  db: NotificationsDb,
  row: PendingNotification,
  error: unknown,
  nextAttemptAt: Date,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await db
    .updateTable('notifications')
    .set({
      attempts: sql`attempts + 1`,
      last_error: message.slice(0, 2_000),
      next_attempt_at: nextAttemptAt,
    })
    .where('order_id', '=', row.order_id)
    .where('kind', '=', row.kind)
    .where('status', '=', 'PENDING')
    .execute();
}
