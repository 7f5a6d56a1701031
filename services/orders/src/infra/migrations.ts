import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/** The orders service's own tables; the messaging tables migrate separately. */
export const ordersMigrations: Record<string, Migration> = {
  '0001_orders_view': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table orders_view (
          order_id text primary key,
          customer_id text not null,
          correlation_id text not null,
          status text not null check (status in ('PENDING', 'CONFIRMED', 'CANCELLED')),
          total_minor bigint not null,
          currency text not null,
          items jsonb not null,
          cancel_reason text,
          cancel_detail text,
          payment_id text,
          shipment_id text,
          placed_at timestamptz not null,
          updated_at timestamptz not null,
          version integer not null
        )`.execute(db);
      await sql`create index orders_view_status_placed on orders_view (status, placed_at)`.execute(
        db,
      );
      await sql`create index orders_view_placed on orders_view (placed_at desc, order_id desc)`.execute(
        db,
      );
      await sql`
        create table saga_log (
          id bigint generated always as identity primary key,
          order_id text not null,
          event_id text not null,
          type text not null,
          source text not null,
          occurred_at timestamptz not null,
          recorded_at timestamptz not null default now(),
          unique (order_id, event_id)
        )`.execute(db);
      await sql`
        create table idempotency_keys (
          key text primary key,
          request_hash text not null,
          order_id text not null,
          created_at timestamptz not null default now()
        )`.execute(db);
    },
  },
  // A customer's token lists that customer's orders only, newest first.
  '0002_orders_view_by_customer': {
    async up(db) {
      await sql`create index orders_view_customer_placed on orders_view (customer_id, placed_at desc, order_id desc)`.execute(
        db,
      );
    },
  },
};
