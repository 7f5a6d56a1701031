import type { OrderPlaced } from '@orderflow/events';
import type { Executor } from '@orderflow/messaging';
import { NonRetriableError, captureTraceContext } from '@orderflow/messaging';
import type { DecodedMessage, EventHandler } from '@orderflow/platform';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { renderEmail } from '../domain/email.js';
import type { Outcome } from '../domain/notification.js';
import { messageIdFor, outcomeOf, recipientFor } from '../domain/notification.js';
import type { NotificationsDatabase } from '../infra/database.js';
import { SENDER_CHANNEL } from '../infra/sender-channel.js';

/** The keys a notifications transaction for an order locks: the order id (the outbox key). */
export const lockKeysFor = (orderId: string) => [orderId];

/**
 * What notifications does with orders.events, in the consumer's transaction (after the
 * inbox has seen the event id for the first time): OrderPlaced is remembered, an
 * outcome becomes one PENDING notification row. Sending happens later, outside any
 * consumer transaction (see NotificationSender), so a slow or down SMTP server never
 * holds up the partition.
 */
export function recordOrderOutcomes(emailDomain: string): EventHandler {
  return async (trx: Executor, { event, headers, causation }: DecodedMessage) => {
    const db = trx as Kysely<NotificationsDatabase>;
    if (event.type === 'OrderPlaced') {
      await rememberContact(db, event.data, emailDomain);
      return;
    }
    const outcome = outcomeOf(event);
    if (!outcome) return;
    const orderId = event.data.orderId;
    const contact = await db
      .selectFrom('order_contacts')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    // OrderPlaced comes first on the same topic and key, so this means a lost or
    // truncated history. Without it there is no one to write to: the record is
    // dead-lettered where it can be inspected and redriven once the order is known,
    // rather than retried forever or silently dropped.
    if (!contact) {
      throw new NonRetriableError(
        `${event.type} ${headers.id} for order ${orderId}, whose OrderPlaced was never seen: no recipient`,
      );
    }
    await createNotification(db, {
      orderId,
      customerId: contact.customer_id,
      recipient: contact.email,
      total: { amountMinor: Number(contact.total_minor), currency: contact.currency },
      outcome,
      causation,
    });
  };
}

async function rememberContact(
  db: Kysely<NotificationsDatabase>,
  order: OrderPlaced,
  domain: string,
): Promise<void> {
  await db
    .insertInto('order_contacts')
    .values({
      order_id: order.orderId,
      customer_id: order.customerId,
      email: recipientFor(order.customerId, domain),
      total_minor: order.total.amountMinor,
      currency: order.total.currency,
      placed_at: order.placedAt,
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}

async function createNotification(
  db: Kysely<NotificationsDatabase>,
  n: {
    orderId: string;
    customerId: string;
    recipient: string;
    total: { amountMinor: number; currency: string };
    outcome: Outcome;
    causation: DecodedMessage['causation'];
  },
) {
  const email = renderEmail({ orderId: n.orderId, total: n.total }, n.outcome);
  // The primary key (order_id, kind) is the dedupe: a second OrderConfirmed for the
  // same order (a new event id, so the inbox let it through) changes nothing.
  const inserted = await db
    .insertInto('notifications')
    .values({
      order_id: n.orderId,
      kind: n.outcome.kind,
      customer_id: n.customerId,
      recipient: n.recipient,
      subject: email.subject,
      body: email.text,
      message_id: messageIdFor(n.orderId, n.outcome.kind),
      correlation_id: n.causation.correlationId,
      causation_id: n.causation.causationId,
      trace_context: JSON.stringify(captureTraceContext()),
    })
    .onConflict((oc) => oc.columns(['order_id', 'kind']).doNothing())
    .returning('order_id')
    .executeTakeFirst();
  // NOTIFY is delivered on commit, and to whichever process leads the sender: an
  // in-process signal here would fire before the row is visible, and only locally.
  if (inserted) await sql`select pg_notify(${SENDER_CHANNEL}, '')`.execute(db);
}
