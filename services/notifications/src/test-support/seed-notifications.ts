import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { renderEmail } from '../domain/email.js';
import { messageIdFor, recipientFor } from '../domain/notification.js';
import type { NotificationsDb } from '../infra/database.js';
import { SENDER_CHANNEL } from '../infra/sender-channel.js';

export interface SeededNotification {
  orderId: string;
  customerId: string;
  /** Without angle brackets, as the sink lists it. */
  messageId: string;
  /** The order's trace, which the row carries in `trace_context`. */
  traceId: string;
  /** The span the row's trace context names: the parent of its `smtp send` span. */
  parentSpanId: string;
}

/**
 * Writes `count` PENDING ORDER_CONFIRMED rows, as the consumer would have, each for a
 * new order in a trace of its own, then wakes the sender. For tests and measurements
 * that are about sending, not about consuming orders.events.
 */
export async function seedPendingNotifications(
  db: NotificationsDb,
  count: number,
  customerOf: (i: number) => string = (i) => `c-seed-${i}`,
  domain = 'seed.orderflow.test',
): Promise<SeededNotification[]> {
  const seeded: SeededNotification[] = [];
  const rows = Array.from({ length: count }, (_, i) => {
    const orderId = randomUUID();
    const customerId = customerOf(i);
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const messageId = messageIdFor(orderId, 'ORDER_CONFIRMED');
    seeded.push({ orderId, customerId, messageId: messageId.slice(1, -1), traceId, parentSpanId });
    const email = renderEmail(
      { orderId, total: { amountMinor: 3000, currency: 'EUR' } },
      { kind: 'ORDER_CONFIRMED' },
    );
    return {
      order_id: orderId,
      kind: 'ORDER_CONFIRMED' as const,
      customer_id: customerId,
      recipient: recipientFor(customerId, domain),
      subject: email.subject,
      body: email.text,
      message_id: messageId,
      correlation_id: `corr-${orderId}`,
      causation_id: randomUUID(),
      trace_context: JSON.stringify({ traceparent: `00-${traceId}-${parentSpanId}-01` }),
    };
  });
  // 500 rows of 10 parameters per statement stay far below Postgres' 65,535.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('notifications')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  await sql`select pg_notify(${SENDER_CHANNEL}, '')`.execute(db);
  return seeded;
}
