import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { stack } from '@orderflow/testing';
import type { Saga } from './harness.js';

/**
 * Reads and seeds the four services' own databases and the SMTP sink, so the e2e
 * tests check each service's state where it lives, not only what the API says.
 */
export interface Account {
  customerId: string;
  currency: string;
  openingMinor: number;
}

export interface Stock {
  sku: string;
  opening: number;
}

export interface OrderView {
  orderId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  total: { amountMinor: number; currency: string };
  items: { sku: string; quantity: number }[];
  cancellation: { reason: string } | null;
  history: { type: string; source: string }[];
}

export interface Mail {
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
}

const q = <T>(db: Kysely<unknown>, query: ReturnType<typeof sql<T>>) =>
  query.execute(db).then((r) => r.rows);

/** A place-order request body: one line, shipped to a test address in `country`. */
export const orderRequest = (
  customerId: string,
  sku: string,
  quantity: number,
  unitPriceMinor: number,
  country = 'PT',
) => ({
  customerId,
  items: [{ sku, quantity, unitPrice: { amountMinor: unitPriceMinor, currency: 'EUR' } }],
  shippingAddress: {
    recipient: customerId,
    line1: '1 Test Street',
    city: 'Lisbon',
    postalCode: '1000-001',
    country,
  },
});

export async function seed(saga: Saga, accounts: Account[], stock: Stock[]): Promise<void> {
  for (const a of accounts) {
    await sql`insert into accounts (customer_id, currency, opening_balance_minor, balance_minor)
              values (${a.customerId}, ${a.currency}, ${a.openingMinor}, ${a.openingMinor})`.execute(
      saga.db.payments.db,
    );
  }
  for (const s of stock) {
    await sql`insert into stock (sku, available, reserved, opening_available)
              values (${s.sku}, ${s.opening}, 0, ${s.opening})`.execute(saga.db.shipping.db);
  }
}

/**
 * POST /orders as a well-behaved client does: an order refused up front under load
 * (503) is sent again after its Retry-After, with the same Idempotency-Key.
 */
export async function placeOrder(
  saga: Saga,
  body: unknown,
): Promise<{ status: number; orderId: string }> {
  const key = randomUUID();
  for (;;) {
    const res = await fetch(`${saga.url.orders}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'Idempotency-Key': key,
        authorization: saga.authorization,
      },
      body: JSON.stringify(body),
    });
    if (res.status === 503) {
      await res.arrayBuffer();
      await sleep(Number(res.headers.get('retry-after') ?? '1') * 1_000);
      continue;
    }
    const json = (await res.json()) as { orderId: string };
    return { status: res.status, orderId: json.orderId };
  }
}

export async function cancelOrder(saga: Saga, orderId: string): Promise<number> {
  const res = await fetch(`${saga.url.orders}/orders/${orderId}/cancel`, {
    method: 'POST',
    headers: { authorization: saga.authorization },
  });
  return res.status;
}

export async function getOrder(saga: Saga, orderId: string): Promise<OrderView> {
  const res = await fetch(`${saga.url.orders}/orders/${orderId}`, {
    headers: { authorization: saga.authorization },
  });
  return (await res.json()) as OrderView;
}

export const balances = (saga: Saga) =>
  q<{ customer_id: string; balance_minor: string; opening_balance_minor: string }>(
    saga.db.payments.db,
    sql`select customer_id, balance_minor, opening_balance_minor from accounts`,
  );

export const payments = (saga: Saga) =>
  q<{ order_id: string; status: string; amount_minor: string | null }>(
    saga.db.payments.db,
    sql`select order_id, status, amount_minor from payments_view`,
  );

export const stockLevels = (saga: Saga) =>
  q<{ sku: string; available: number; reserved: number; opening_available: number }>(
    saga.db.shipping.db,
    sql`select sku, available, reserved, opening_available from stock`,
  );

export const shipments = (saga: Saga) =>
  q<{ order_id: string; status: string; lines: { sku: string; quantity: number }[] | null }>(
    saga.db.shipping.db,
    sql`select order_id, status, lines from shipments_view`,
  );

export const notifications = (saga: Saga) =>
  q<{ order_id: string; kind: string; status: string }>(
    saga.db.notifications.db,
    sql`select order_id, kind, status from notifications`,
  );

/** E-mails in the stack's SMTP sink for these orders (Message-ID starts with the order id). */
export async function mailsFor(orderIds: readonly string[]): Promise<Map<string, Mail[]>> {
  const res = await fetch(`${stack.endpoints.mailApiUrl}/api/v1/messages`);
  const { messages } = (await res.json()) as { messages: Mail[] };
  const byOrder = new Map<string, Mail[]>(orderIds.map((id) => [id, []]));
  for (const m of messages) {
    const orderId = orderIds.find((id) => m.MessageID.startsWith(id));
    if (orderId) byOrder.get(orderId)?.push(m);
  }
  return byOrder;
}
