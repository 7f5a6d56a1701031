import { assertNever } from '@orderflow/events';
import type { Executor, Projection, RecordedEvent } from '@orderflow/messaging';
import type { Insertable, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { PaymentEvent } from '../domain/payment.js';
import type { PaymentsDatabase, PaymentsViewTable } from '../infra/database.js';

/**
 * Applies payment events to the balances and to payments_view, inline, in the
 * command's transaction: an authorization takes the amount from the balance, a refund
 * gives it back. So a balance is always its opening balance minus the net charges
 * (invariant I4), and a rebuild can recompute it from the event log.
 */
export const ledger: Projection = {
  name: 'payments_ledger',

  async apply(trx: Executor, events: readonly RecordedEvent[]) {
    const db = trx as Kysely<PaymentsDatabase>;
    for (const recorded of events as readonly RecordedEvent<PaymentEvent>[]) {
      const event = { type: recorded.type, data: recorded.data } as PaymentEvent;
      const at = recorded.recordedAt;
      switch (event.type) {
        case 'PaymentAuthorized': {
          const { orderId, paymentId, customerId, amount } = event.data;
          await moveBalance(db, customerId, -amount.amountMinor, at);
          await upsert(db, {
            order_id: orderId,
            payment_id: paymentId,
            customer_id: customerId,
            amount_minor: amount.amountMinor,
            currency: amount.currency,
            status: 'AUTHORIZED',
            reason: null,
            updated_at: at,
          });
          break;
        }
        case 'PaymentDeclined': {
          const { orderId, customerId, amount, reason } = event.data;
          await upsert(db, {
            order_id: orderId,
            payment_id: null,
            customer_id: customerId,
            amount_minor: amount.amountMinor,
            currency: amount.currency,
            status: 'DECLINED',
            reason,
            updated_at: at,
          });
          break;
        }
        case 'PaymentRefunded': {
          const { orderId, customerId, amount, reason } = event.data;
          await moveBalance(db, customerId, amount.amountMinor, at);
          await db
            .updateTable('payments_view')
            .set({ status: 'REFUNDED', reason, updated_at: at })
            .where('order_id', '=', orderId)
            .execute();
          break;
        }
        case 'PaymentHeldForReview': {
          const { orderId, customerId, amount } = event.data;
          await upsert(db, {
            order_id: orderId,
            payment_id: null,
            customer_id: customerId,
            amount_minor: amount.amountMinor,
            currency: amount.currency,
            status: 'HELD',
            reason: 'REVIEW',
            updated_at: at,
          });
          break;
        }
        case 'PaymentVoided': {
          const { orderId, reason } = event.data;
          await upsert(db, {
            order_id: orderId,
            payment_id: null,
            customer_id: null,
            amount_minor: null,
            currency: null,
            status: 'VOIDED',
            reason,
            updated_at: at,
          });
          break;
        }
        default:
          assertNever(event);
      }
    }
  },

  async reset(trx: Executor) {
    const db = trx as Kysely<PaymentsDatabase>;
    await db.deleteFrom('payments_view').execute();
    await db
      .updateTable('accounts')
      .set({ balance_minor: sql`opening_balance_minor` })
      .execute();
  },
};

async function moveBalance(
  db: Kysely<PaymentsDatabase>,
  customerId: string,
  deltaMinor: number,
  at: Date,
) {
  const result = await db
    .updateTable('accounts')
    .set({ balance_minor: sql`balance_minor + ${deltaMinor}`, updated_at: at })
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new Error(`no account for customer ${customerId}`);
}

function upsert(db: Kysely<PaymentsDatabase>, row: Insertable<PaymentsViewTable>) {
  const { order_id: _orderId, ...changes } = row;
  return db
    .insertInto('payments_view')
    .values(row)
    .onConflict((oc) => oc.column('order_id').doUpdateSet(changes))
    .execute();
}
