import type { Selectable } from 'kysely';
import type { AccountsTable, PaymentsDb, PaymentsViewTable } from '../infra/database.js';

/** Accounts by customer id, the first 1,000; only `customerId`'s when one is given. */
export async function listAccounts(db: PaymentsDb, customerId: string | undefined) {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .$if(customerId !== undefined, (q) => q.where('customer_id', '=', customerId!))
    .orderBy('customer_id')
    .limit(1_000)
    .execute();
  return rows.map(toAccount);
}

export async function findAccount(db: PaymentsDb, customerId: string) {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row && toAccount(row);
}

/** The payment of an order, as the saga left it; undefined when payments has not seen it. */
export async function findPayment(db: PaymentsDb, orderId: string) {
  const row = await db
    .selectFrom('payments_view')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row && toPayment(row);
}

function toAccount(row: Selectable<AccountsTable>) {
  return {
    customerId: row.customer_id,
    balance: { amountMinor: Number(row.balance_minor), currency: row.currency },
    openingBalance: { amountMinor: Number(row.opening_balance_minor), currency: row.currency },
  };
}

function toPayment(row: Selectable<PaymentsViewTable>) {
  return {
    orderId: row.order_id,
    paymentId: row.payment_id,
    customerId: row.customer_id,
    amount:
      row.amount_minor === null || row.currency === null
        ? null
        : { amountMinor: Number(row.amount_minor), currency: row.currency },
    status: row.status,
    reason: row.reason,
    updatedAt: row.updated_at.toISOString(),
  };
}
