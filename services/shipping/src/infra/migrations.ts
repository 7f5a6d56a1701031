import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/** The shipping service's own tables; the messaging tables migrate separately. */
export const shippingMigrations: Record<string, Migration> = {
  '0001_stock_and_shipments': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table stock (
          sku text primary key,
          -- Never negative: a reservation the stock cannot cover is a bug, and fails loudly (I5).
          available integer not null check (available >= 0),
          reserved integer not null default 0 check (reserved >= 0),
          opening_available integer not null check (opening_available >= 0),
          updated_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table shipments_view (
          order_id text primary key,
          shipment_id text,
          status text not null check (status in ('OPEN', 'SCHEDULED', 'FAILED', 'CANCELLED')),
          carrier text,
          eta timestamptz,
          lines jsonb,
          failure_reason text,
          failure_detail text,
          updated_at timestamptz not null
        )`.execute(db);
    },
  },
};

/** The demo's SKUs: plenty of two, the last one of a third, and one sold out. */
export const demoStock = [
  { sku: 'SKU-BOOK', opening_available: 1_000 },
  { sku: 'SKU-MUG', opening_available: 1_000 },
  { sku: 'SKU-TEAPOT', opening_available: 100 },
  { sku: 'SKU-RARE', opening_available: 1 },
  { sku: 'SKU-GONE', opening_available: 0 },
];
