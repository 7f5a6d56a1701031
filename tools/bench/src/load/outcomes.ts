import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchDatabase } from '../infra/databases.js';
import type { Log } from '../log.js';

/** How an order ended, read from the orders service's own database. */
export interface Outcome {
  status: 'CONFIRMED' | 'CANCELLED';
  /** Epoch ms (fractional) the terminal event was recorded. */
  at: number;
  reason: string | undefined;
}

/**
 * The terminal event of each order: OrderConfirmed or OrderCancelled in the order's
 * stream (`order-<id>`), with the time the orders service recorded it.
 */
export async function terminalOutcomes(
  orders: BenchDatabase,
  orderIds: readonly string[],
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  for (let i = 0; i < orderIds.length; i += 5_000) {
    const streams = orderIds.slice(i, i + 5_000).map((id) => `order-${id}`);
    const rows = await orders.query<{
      id: string;
      type: string;
      at: number;
      reason: string | null;
    }>(
      `select substr(stream_id, 7) as id, type, extract(epoch from recorded_at) * 1000 as at,
              data->>'reason' as reason
       from events
       where stream_id = any($1::text[]) and type in ('OrderConfirmed', 'OrderCancelled')`,
      [streams],
    );
    for (const row of rows) {
      out.set(row.id, {
        status: row.type === 'OrderConfirmed' ? 'CONFIRMED' : 'CANCELLED',
        at: Number(row.at),
        reason: row.reason ?? undefined,
      });
    }
  }
  return out;
}

/** PENDING orders placed at or after `since` (epoch ms): the saga's backlog of this window. */
export async function pendingSince(orders: BenchDatabase, since: number): Promise<number> {
  const [row] = await orders.query<{ n: number }>(
    `select count(*)::int as n from orders_view where status = 'PENDING' and placed_at >= to_timestamp($1 / 1000.0)`,
    [since],
  );
  return row?.n ?? 0;
}

export async function pendingTotal(orders: BenchDatabase): Promise<number> {
  const [row] = await orders.query<{ n: number }>(
    `select count(*)::int as n from orders_view where status = 'PENDING'`,
  );
  return row?.n ?? 0;
}

/** How many of these orders are CONFIRMED or CANCELLED in orders_view. */
export async function terminalCount(
  orders: BenchDatabase,
  orderIds: readonly string[],
): Promise<number> {
  const [row] = await orders.query<{ n: number }>(
    `select count(*)::int as n from orders_view where order_id = any($1::text[]) and status <> 'PENDING'`,
    [orderIds],
  );
  return row?.n ?? 0;
}

/**
 * Waits until every order is terminal or `timeoutMs` passed; returns how many are not.
 * Prints the count every few seconds, so a long drain does not look like a hang.
 */
export async function waitTerminal(
  orders: BenchDatabase,
  orderIds: readonly string[],
  timeoutMs: number,
  log?: Log,
): Promise<number> {
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    const open = orderIds.length - (await terminalCount(orders, orderIds));
    if (open === 0 || Date.now() - started >= timeoutMs) return open;
    if (log && Date.now() - lastLog >= 5_000) {
      lastLog = Date.now();
      log(
        `  waiting: ${open} of ${orderIds.length} orders still pending (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    }
    await sleep(200);
  }
}

/** Waits until no order at all is PENDING (the previous window drained), up to `timeoutMs`. */
export async function settle(orders: BenchDatabase, timeoutMs: number, log?: Log): Promise<number> {
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    const pending = await pendingTotal(orders);
    if (pending === 0 || Date.now() - started >= timeoutMs) return pending;
    if (log && Date.now() - lastLog >= 5_000) {
      lastLog = Date.now();
      log(`  settling: ${pending} orders still pending from earlier load`);
    }
    await sleep(250);
  }
}
