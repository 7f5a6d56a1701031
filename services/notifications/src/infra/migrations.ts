import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/** The notifications service's own tables; the messaging tables migrate separately. */
export const notificationsMigrations: Record<string, Migration> = {
  '0001_notifications': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table order_contacts (
          order_id text primary key,
          customer_id text not null,
          email text not null,
          total_minor bigint not null,
          currency text not null,
          placed_at timestamptz not null,
          recorded_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table notifications (
          order_id text not null,
          kind text not null check (kind in ('ORDER_CONFIRMED', 'ORDER_CANCELLED')),
          customer_id text not null,
          recipient text not null,
          subject text not null,
          body text not null,
          message_id text not null unique,
          status text not null default 'PENDING' check (status in ('PENDING', 'SENT')),
          attempts integer not null default 0,
          last_error text,
          next_attempt_at timestamptz not null default now(),
          correlation_id text not null,
          causation_id text not null,
          trace_context jsonb not null default '{}',
          created_at timestamptz not null default now(),
          sent_at timestamptz,
          primary key (order_id, kind)
        )`.execute(db);
      // The sender's query: only what is still to send, in due order.
      await sql`
        create index notifications_due on notifications (next_attempt_at)
        where status = 'PENDING'`.execute(db);
    },
  },
};
