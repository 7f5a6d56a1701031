import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlannedOrder } from './mix.js';

export interface LoadResult {
  /** Order ids answered 201 (or 200 to a retry), in the order they were placed. */
  accepted: string[];
  /** Requests answered with a status the client did not expect (a bug, or the API's). */
  refused: { status: number; body: string }[];
  /** Attempts that failed (refused connection, timeout, 5xx) and were retried. */
  retries: number;
  cancels: { sent: number; refused: number };
}

export interface LoadOptions {
  orders: readonly PlannedOrder[];
  durationMs: number;
  /** The orders service to talk to now: changes as instances die and start. */
  ordersUrl: () => string;
  /** Requests in flight at most; placing waits when the system is slow. */
  concurrency: number;
  onProgress?: (placed: number) => void;
}

const timeoutMs = 10_000;

/**
 * Places the planned orders at a steady rate over the duration, as a well-behaved client:
 * every attempt of one order carries the same Idempotency-Key, so an order whose answer
 * was lost to a fault is not placed twice; anything but a definite answer is retried.
 * Then cancels those the plan says the customer cancels.
 */
export async function driveLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    accepted: [],
    refused: [],
    retries: 0,
    cancels: { sent: 0, refused: 0 },
  };
  const start = Date.now();
  const interval = options.durationMs / Math.max(1, options.orders.length);
  let inFlight = 0;
  const tasks: Promise<void>[] = [];
  for (const [i, order] of options.orders.entries()) {
    const due = start + i * interval;
    while (Date.now() < due || inFlight >= options.concurrency)
      await sleep(Math.max(1, Math.min(50, due - Date.now())));
    inFlight++;
    tasks.push(
      placeAndMaybeCancel(order, options, result).finally(() => {
        inFlight--;
        options.onProgress?.(result.accepted.length);
      }),
    );
  }
  await Promise.all(tasks);
  return result;
}

async function placeAndMaybeCancel(order: PlannedOrder, options: LoadOptions, result: LoadResult) {
  const key = randomUUID();
  const placed = await untilAnswered(result, async () => {
    const res = await fetch(`${options.ordersUrl()}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(order.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: res.status,
      body: await res.text(),
      retryAfter: res.headers.get('retry-after'),
    };
  });
  // 200: a retry whose first attempt was committed (the answer was lost to a kill, a
  // restart or the client's timeout) is answered with the order, as the key promises.
  if (placed.status !== 201 && placed.status !== 200) {
    result.refused.push({ status: placed.status, body: placed.body.slice(0, 500) });
    return;
  }
  const { orderId } = JSON.parse(placed.body) as { orderId: string };
  result.accepted.push(orderId);
  if (order.cancelAfterMs === undefined) return;
  await sleep(order.cancelAfterMs);
  result.cancels.sent++;
  const cancelled = await untilAnswered(result, async () => {
    const res = await fetch(`${options.ordersUrl()}/orders/${orderId}/cancel`, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: res.status,
      body: await res.text(),
      retryAfter: res.headers.get('retry-after'),
    };
  });
  // 409: the saga finished first (confirmed or already cancelled): a fair race.
  if (cancelled.status !== 200 && cancelled.status !== 202 && cancelled.status !== 409) {
    result.cancels.refused++;
    result.refused.push({ status: cancelled.status, body: cancelled.body.slice(0, 500) });
  }
}

interface Answer {
  status: number;
  body: string;
  retryAfter: string | null;
}

/** Retries network errors, timeouts and 5xx (429 and 503 after their Retry-After) until an answer. */
async function untilAnswered(result: LoadResult, attempt: () => Promise<Answer>): Promise<Answer> {
  for (;;) {
    try {
      const answer = await attempt();
      const busy = answer.status === 503 || answer.status === 429;
      if (answer.status < 500 && !busy) return answer;
      result.retries++;
      await sleep(busy ? Number(answer.retryAfter ?? '1') * 1_000 : 500);
    } catch {
      result.retries++;
      await sleep(500);
    }
  }
}
