import type { Context } from '@opentelemetry/api';
import { enqueue, lockKeys } from '@orderflow/messaging';
import type { EventPublisher } from '@orderflow/platform';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { NotificationsDb, NotificationsTable } from '../infra/database.js';
import { lockKeysFor } from './record-order-outcomes.js';

export type PendingNotification = Selectable<NotificationsTable>;

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
 * After the SMTP server accepted the e-mail: marks the row SENT and enqueues
 * NotificationSent, in one transaction, so the event is published if and only if the
 * row says SENT. The update only matches a PENDING row, so even two senders racing
 * (a leader that lost its lock mid-send) enqueue the event at most once.
 * Returns false when the row was no longer PENDING.
 */
export async function markSent(
  db: NotificationsDb,
  publisher: EventPublisher,
  row: PendingNotification,
  now: Date,
  traceContext: Context,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // First, before any write: the outbox row's key must be locked (see lockKeys).
    await lockKeys(trx, lockKeysFor(row.order_id));
    const updated = await trx
      .updateTable('notifications')
      .set({
        status: 'SENT',
        sent_at: now,
        attempts: sql`attempts + 1`,
        last_error: null,
      })
      .where('order_id', '=', row.order_id)
      .where('kind', '=', row.kind)
      .where('status', '=', 'PENDING')
      .returning('customer_id')
      .executeTakeFirst();
    if (!updated) return false;
    const message = await publisher.message(
      'NotificationSent',
      { orderId: row.order_id, customerId: updated.customer_id, kind: row.kind, channel: 'EMAIL' },
      { correlationId: row.correlation_id, causationId: row.causation_id },
      now,
    );
    await enqueue(trx, [message], { context: traceContext });
    return true;
  });
}

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
