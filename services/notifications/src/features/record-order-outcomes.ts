import { assertNever } from '@orderflow/decider';
import type { Executor } from '@orderflow/messaging';
import { NonRetriableError, captureTraceContext, deferWrite } from '@orderflow/messaging';
import type { DecodedMessage, EventHandler, PrepareBatch } from '@orderflow/platform';
import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import { renderEmail } from '../domain/email.js';
import { messageIdFor, outcomeOf } from '../domain/notification.js';
import { react } from '../domain/saga.js';
import type {
  NotificationsDatabase,
  NotificationsTable,
  OrderContactsTable,
} from '../infra/database.js';
import { SENDER_CHANNEL } from '../infra/sender-channel.js';

/** The keys a notifications transaction for an order locks: the order id (the outbox key). */
export const lockKeysFor = (orderId: string) => [orderId];

type Contact = Insertable<OrderContactsTable>;

/**
 * What notifications does with orders.events, in the consumer's transaction (after the
 * inbox has seen the event id for the first time), as the pure `react` in domain/saga
 * says: OrderPlaced is remembered, an outcome becomes one PENDING notification row. Sending happens later, outside any
 * consumer transaction (see NotificationSender), so a slow or down SMTP server never
 * holds up the partition.
 *
 * A batch's contacts are read in one query first (`prepareBatch`), and its rows are
 * written together when the batch flushes; an outcome finds the contact of an order
 * placed earlier in the same batch among the contacts still to be written.
 */
export function orderOutcomes(emailDomain: string): {
  handle: EventHandler<NotificationsDatabase>;
  prepareBatch: PrepareBatch<NotificationsDatabase>;
} {
  const contacts = new WeakMap<Executor<NotificationsDatabase>, Map<string, Contact>>();
  const known = (trx: Executor<NotificationsDatabase>) => {
    const map = contacts.get(trx) ?? new Map<string, Contact>();
    contacts.set(trx, map);
    return map;
  };

  const prepareBatch: PrepareBatch<NotificationsDatabase> = async (trx, events) => {
    const wanted = events.filter((e) => outcomeOf(e.event)).map((e) => e.event.data.orderId);
    if (wanted.length === 0) return;
    const rows = await trx
      .selectFrom('order_contacts')
      .selectAll()
      .where('order_id', 'in', wanted)
      .execute();
    const map = known(trx);
    for (const row of rows) map.set(row.order_id, contactOf(row));
  };

  const handle: EventHandler<NotificationsDatabase> = async (
    trx,
    { event, headers, causation }: DecodedMessage,
  ) => {
    const map = known(trx);
    for (const command of react(event, { emailDomain })) {
      switch (command.type) {
        case 'RememberContact': {
          const { orderId, customerId, email, total, placedAt } = command.data;
          const contact: Contact = {
            order_id: orderId,
            customer_id: customerId,
            email,
            total_minor: total.amountMinor,
            currency: total.currency,
            placed_at: placedAt,
          };
          if (!map.has(orderId)) map.set(orderId, contact);
          await deferWrite(trx, 'order_contacts', contact, writeContacts);
          break;
        }
        case 'QueueNotification': {
          const { orderId, outcome } = command.data;
          const contact = map.get(orderId) ?? (await findContact(trx, orderId));
          // OrderPlaced comes first on the same topic and key, so this means a lost or
          // truncated history. Without it there is no one to write to: the record is
          // dead-lettered where it can be inspected and redriven once the order is known,
          // rather than retried forever or silently dropped.
          if (!contact) {
            throw new NonRetriableError(
              `${event.type} ${headers.id} for order ${orderId}, whose OrderPlaced was never seen: no recipient`,
            );
          }
          const email = renderEmail(
            {
              orderId,
              total: { amountMinor: Number(contact.total_minor), currency: contact.currency },
            },
            outcome,
          );
          await deferWrite(
            trx,
            'notifications',
            {
              order_id: orderId,
              kind: outcome.kind,
              customer_id: contact.customer_id,
              recipient: contact.email,
              subject: email.subject,
              body: email.text,
              message_id: messageIdFor(orderId, outcome.kind),
              correlation_id: causation.correlationId,
              causation_id: causation.causationId,
              trace_context: JSON.stringify(captureTraceContext()),
            },
            writeNotifications,
          );
          break;
        }
        default:
          assertNever(command);
      }
    }
  };

  return { handle, prepareBatch };
}

const contactOf = (row: Selectable<OrderContactsTable>): Contact => ({
  ...row,
  total_minor: Number(row.total_minor),
});

async function findContact(
  trx: Executor<NotificationsDatabase>,
  orderId: string,
): Promise<Contact | undefined> {
  const row = await trx
    .selectFrom('order_contacts')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row && contactOf(row);
}

async function writeContacts(
  trx: Executor<NotificationsDatabase>,
  rows: readonly Contact[],
): Promise<void> {
  await trx
    .insertInto('order_contacts')
    .values([...rows])
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}

/**
 * The primary key (order_id, kind) is the dedupe: a second OrderConfirmed for the same
 * order (a new event id, so the inbox let it through) changes nothing. NOTIFY is
 * delivered on commit, to whichever process leads the sender: an in-process signal
 * here would fire before the rows are visible, and only locally.
 */
async function writeNotifications(
  trx: Executor<NotificationsDatabase>,
  rows: readonly Insertable<NotificationsTable>[],
): Promise<void> {
  const inserted = await trx
    .insertInto('notifications')
    .values([...rows])
    .onConflict((oc) => oc.columns(['order_id', 'kind']).doNothing())
    .returning('order_id')
    .execute();
  if (inserted.length > 0) await sql`select pg_notify(${SENDER_CHANNEL}, '')`.execute(trx);
}
