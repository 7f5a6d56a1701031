import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderWithHistory, OrdersApi } from './orders-api.js';
import { CliError } from './orders-api.js';
import { formatHistoryStep, formatOrderRow, formatStatus, orderChanges } from './format.js';

/** The orders API offers no push, so watching is polling at this interval. */
const pollMs = 300;
/** A terminal order is done once no event about it arrived for this long. */
const quietMs = 2_000;

export interface WatchOptions {
  timeoutMs: number | undefined;
  /** One output record: its JSON form and its human line. */
  out: (json: unknown, line: string) => void;
}

/**
 * Prints each saga event of the order as it arrives, and each change of status; ends
 * with 0 once the order is confirmed or cancelled and its saga has gone quiet.
 */
export async function watchOrder(
  api: OrdersApi,
  orderId: string,
  { timeoutMs, out }: WatchOptions,
): Promise<number> {
  const until = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  let last: OrderWithHistory | undefined;
  let quietSince = Date.now();
  for (;;) {
    const order = await api.get(orderId);
    const { steps, status } = orderChanges(last, order);
    for (const step of steps)
      out({ orderId, event: step }, formatHistoryStep(order.placedAt, step));
    if (status) out({ orderId, status: order.status, cancellation: order.cancellation }, status);
    if (steps.length || status) quietSince = Date.now();
    last = order;
    if (order.status !== 'PENDING' && Date.now() - quietSince >= quietMs) return 0;
    if (Date.now() >= until)
      throw new CliError(`order ${orderId} is still ${formatStatus(order)} after the timeout`);
    await sleep(pollMs);
  }
}

/**
 * Prints every order placed from now on, and every change of status of the recent
 * ones, until interrupted (or the timeout, then 0).
 */
export async function watchAll(api: OrdersApi, { timeoutMs, out }: WatchOptions): Promise<number> {
  const until = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  const known = new Map<string, string>();
  let first = true;
  while (Date.now() < until) {
    const { items } = await api.list({ limit: 50 });
    for (const order of [...items].reverse()) {
      const status = formatStatus(order);
      const before = known.get(order.orderId);
      known.set(order.orderId, status);
      if (first || before === status) continue;
      out(
        {
          orderId: order.orderId,
          status: order.status,
          cancellation: order.cancellation,
          new: !before,
        },
        `${before ? 'changed' : 'new    '}  ${formatOrderRow(order)}`,
      );
    }
    if (first)
      out({ watching: api.baseUrl }, `watching new orders at ${api.baseUrl} (Ctrl-C to stop)`);
    first = false;
    await sleep(pollMs);
  }
  return 0;
}
