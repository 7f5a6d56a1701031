import { assertNever } from '@orderflow/decider';
import type { Executor, Projection } from '@orderflow/messaging';
import { sql } from 'kysely';
import type { PaymentEvent } from '../domain/payment.js';
import type { PaymentsDatabase } from '../infra/database.js';

/** A payments_view row as an event sets it whole. */
interface ViewRow {
  order_id: string;
  payment_id: string | null;
  customer_id: string | null;
  amount_minor: number | null;
  currency: string | null;
  status: string;
  reason: string | null;
  updated_at: string;
}

/**
 * Applies payment events to the balances and to payments_view, inline, in the
 * command's transaction: an authorization takes the amount from the balance, a refund
 * gives it back. So a balance is always its opening balance minus the net charges
 * (invariant I4, docs/invariants.md), and a rebuild can recompute it from the event log.
 *
 * Any number of events costs at most three statements: the balance changes summed per
 * customer, and the view rows folded per order (an event that sets a row whole, and a
 * refund, which changes the status of a row set earlier).
 */
export const ledger: Projection<PaymentsDatabase, PaymentEvent> = {
  name: 'payments_ledger',

  async apply(db, events) {
    const deltas = new Map<string, number>();
    const whole = new Map<string, ViewRow>();
    const refunds = new Map<
      string,
      Pick<ViewRow, 'order_id' | 'status' | 'reason' | 'updated_at'>
    >();
    for (const recorded of events) {
      const event: PaymentEvent = recorded;
      const at = recorded.recordedAt.toISOString();
      const { orderId } = event.data;
      const set = (row: Omit<ViewRow, 'order_id' | 'updated_at'>) => {
        whole.set(orderId, { order_id: orderId, ...row, updated_at: at });
        refunds.delete(orderId);
      };
      switch (event.type) {
        case 'PaymentAuthorized': {
          const { paymentId, customerId, amount } = event.data;
          deltas.set(customerId, (deltas.get(customerId) ?? 0) - amount.amountMinor);
          set({ ...paid(paymentId, customerId, amount), status: 'AUTHORIZED', reason: null });
          break;
        }
        case 'PaymentDeclined': {
          const { customerId, amount, reason } = event.data;
          set({ ...paid(null, customerId, amount), status: 'DECLINED', reason });
          break;
        }
        case 'PaymentHeldForReview': {
          const { customerId, amount } = event.data;
          set({ ...paid(null, customerId, amount), status: 'HELD', reason: 'REVIEW' });
          break;
        }
        case 'PaymentVoided':
          set({ ...paid(null, null, null), status: 'VOIDED', reason: event.data.reason });
          break;
        case 'PaymentRefunded': {
          const { customerId, amount, reason } = event.data;
          deltas.set(customerId, (deltas.get(customerId) ?? 0) + amount.amountMinor);
          const change = { status: 'REFUNDED', reason, updated_at: at };
          const earlier = whole.get(orderId);
          if (earlier) Object.assign(earlier, change);
          else refunds.set(orderId, { order_id: orderId, ...change });
          break;
        }
        default:
          assertNever(event);
      }
    }
    await moveBalances(db, deltas);
    if (whole.size > 0) {
      await sql`
        insert into payments_view (order_id, payment_id, customer_id, amount_minor, currency,
          status, reason, updated_at)
        select r.order_id, r.payment_id, r.customer_id, r.amount_minor, r.currency, r.status,
          r.reason, r.updated_at
        from jsonb_populate_recordset(null::payments_view, ${JSON.stringify([...whole.values()])}::jsonb) r
        on conflict (order_id) do update set payment_id = excluded.payment_id,
          customer_id = excluded.customer_id, amount_minor = excluded.amount_minor,
          currency = excluded.currency, status = excluded.status, reason = excluded.reason,
          updated_at = excluded.updated_at`.execute(db);
    }
    if (refunds.size > 0) {
      await sql`
        update payments_view v set status = r.status, reason = r.reason, updated_at = r.updated_at
        from jsonb_populate_recordset(null::payments_view, ${JSON.stringify([...refunds.values()])}::jsonb) r
        where v.order_id = r.order_id and v.order_id = any(${[...refunds.keys()]}::text[])`.execute(
        db,
      );
    }
  },

  async reset(db) {
    await db.deleteFrom('payments_view').execute();
    await db
      .updateTable('accounts')
      .set({ balance_minor: sql`opening_balance_minor` })
      .execute();
  },
};

function paid(
  paymentId: string | null,
  customerId: string | null,
  amount: { amountMinor: number; currency: string } | null,
) {
  return {
    payment_id: paymentId,
    customer_id: customerId,
    amount_minor: amount?.amountMinor ?? null,
    currency: amount?.currency ?? null,
  };
}

/** One statement for every customer's net change; a customer without an account is a bug. */
async function moveBalances(db: Executor<PaymentsDatabase>, deltas: Map<string, number>) {
  const changed = [...deltas].filter(([, delta]) => delta !== 0);
  if (changed.length === 0) return;
  const { rows } = await sql<{ customer_id: string }>`
    update accounts a set balance_minor = a.balance_minor + d.delta, updated_at = now()
    from unnest(${changed.map(([c]) => c)}::text[], ${changed.map(([, d]) => d)}::bigint[])
      as d(customer_id, delta)
    where a.customer_id = d.customer_id
    returning a.customer_id`.execute(db);
  if (rows.length !== changed.length) {
    const found = new Set(rows.map((r) => r.customer_id));
    const missing = changed.map(([c]) => c).filter((c) => !found.has(c));
    throw new Error(`no account for customer(s) ${missing.join(', ')}`);
  }
}
