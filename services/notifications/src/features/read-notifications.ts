import type { NotificationKind } from '@orderflow/events';
import type { Selectable } from 'kysely';
import type { NotificationsDb, NotificationsTable } from '../infra/database.js';

/** Every notification about an order (at most one per kind), oldest first. */
export async function notificationsOf(db: NotificationsDb, orderId: string) {
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('kind')
    .execute();
  return rows.map(toView);
}

export async function findNotification(
  db: NotificationsDb,
  orderId: string,
  kind: NotificationKind,
) {
  const row = await db
    .selectFrom('notifications')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row && toView(row);
}

/** The read model: the e-mail as sent (or to be sent) and where its delivery stands. */
function toView(row: Selectable<NotificationsTable>) {
  return {
    orderId: row.order_id,
    kind: row.kind,
    channel: 'EMAIL' as const,
    customerId: row.customer_id,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    messageId: row.message_id,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.status === 'PENDING' ? row.next_attempt_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}
