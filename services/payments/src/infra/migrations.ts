import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

export const paymentsMigrations: Record<string, Migration> = {
  '0001_accounts_and_payments': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table accounts (
          customer_id text primary key,
          currency text not null,
          opening_balance_minor bigint not null check (opening_balance_minor >= 0),
          -- Never negative: an authorization that would overdraw is declined (invariant I4).
          balance_minor bigint not null check (balance_minor >= 0),
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table payments_view (
          order_id text primary key,
          payment_id text,
          customer_id text,
          amount_minor bigint,
          currency text,
          status text not null,
          reason text,
          updated_at timestamptz not null
        )`.execute(db);
    },
  },
};

/** The demo's customers: one rich, one almost broke, one paying in another currency. */
export const demoAccounts = [
  { customer_id: 'c-ada', currency: 'EUR', opening_balance_minor: 1_000_000 },
  { customer_id: 'c-grace', currency: 'EUR', opening_balance_minor: 1_000_000 },
  { customer_id: 'c-bob', currency: 'EUR', opening_balance_minor: 1_000 },
  { customer_id: 'c-linus', currency: 'USD', opening_balance_minor: 1_000_000 },
];
