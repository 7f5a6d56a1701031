import type { MessagingTables } from '@orderflow/messaging';
import type { ColumnType, Kysely } from 'kysely';

/** bigint columns: pg returns them as strings. */
type Minor = ColumnType<string, number, number>;

/** A customer's account. The balance is what is left after authorized, unrefunded payments. */
export interface AccountsTable {
  customer_id: string;
  currency: string;
  opening_balance_minor: Minor;
  balance_minor: Minor;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** payments_view: one row per order that payments has seen. */
export interface PaymentsViewTable {
  order_id: string;
  payment_id: string | null;
  customer_id: string | null;
  amount_minor: ColumnType<string | null, number | null, number | null>;
  currency: string | null;
  status: 'AUTHORIZED' | 'HELD' | 'DECLINED' | 'REFUNDED' | 'VOIDED';
  reason: string | null;
  updated_at: Date;
}

export interface PaymentsDatabase extends MessagingTables {
  accounts: AccountsTable;
  payments_view: PaymentsViewTable;
}

export type PaymentsDb = Kysely<PaymentsDatabase>;
