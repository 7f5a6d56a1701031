import { setTimeout as sleep } from 'node:timers/promises';
import type { PlaceOrderBody } from '../orders.js';
import { dueNow, evenSchedule, nextDue } from '../schedule.js';
import type { OrdersClient, PostResult } from './http.js';
import { nowMs } from './http.js';

/** One POST /orders: when it was due, when it went out and what came back. */
export interface SentOrder extends PostResult {
  /** Epoch ms the request was scheduled for (open loop) or sent at (burst). */
  scheduledAt: number;
  sentAt: number;
  answeredAt: number;
}

export interface LoadHandle {
  /** Requests sent and not yet answered. */
  readonly inFlight: number;
  readonly sent: number;
  /** False once the last request went out (answers may still be awaited). */
  readonly sending: boolean;
}

export interface OpenLoopOptions {
  client: OrdersClient;
  rate: number;
  durationMs: number;
  next: () => PlaceOrderBody;
  /** Aborting stops sending (a window that already failed); answers are still awaited. */
  signal?: AbortSignal;
  onStart?: (handle: LoadHandle) => void;
}

/**
 * Open loop: request i is due at start + i/rate and is sent then, whatever earlier
 * requests are doing. Bodies are serialised before the clock starts, so building them
 * costs the window nothing.
 */
export async function openLoop(options: OpenLoopOptions): Promise<SentOrder[]> {
  const schedule = evenSchedule(options.rate, options.durationMs);
  const bodies = schedule.map(() => JSON.stringify(options.next()));
  const pending: Promise<SentOrder>[] = [];
  let inFlight = 0;
  let sending = true;
  options.onStart?.({
    get inFlight() {
      return inFlight;
    },
    get sent() {
      return pending.length;
    },
    get sending() {
      return sending;
    },
  });
  const start = nowMs() + 5;
  while (pending.length < schedule.length && !options.signal?.aborted) {
    const elapsed = nowMs() - start;
    const due = dueNow(schedule, pending.length, elapsed);
    for (let k = 0; k < due; k++) {
      const i = pending.length;
      const scheduledAt = start + (schedule[i] ?? 0);
      inFlight++;
      pending.push(send(options.client, bodies[i] ?? '', scheduledAt).finally(() => inFlight--));
    }
    const wake = nextDue(schedule, pending.length);
    if (wake === undefined) break;
    await sleep(Math.max(0, wake - (nowMs() - start) - 0.5));
  }
  sending = false;
  return Promise.all(pending);
}

export interface BurstOptions {
  client: OrdersClient;
  count: number;
  concurrency: number;
  next: () => PlaceOrderBody;
  onStart?: (handle: LoadHandle) => void;
}

/** As fast as possible with at most `concurrency` requests outstanding. */
export async function burst(options: BurstOptions): Promise<SentOrder[]> {
  const bodies = Array.from({ length: options.count }, () => JSON.stringify(options.next()));
  const results: SentOrder[] = [];
  let nextIndex = 0;
  let inFlight = 0;
  options.onStart?.({
    get inFlight() {
      return inFlight;
    },
    get sent() {
      return nextIndex;
    },
    get sending() {
      return nextIndex < bodies.length;
    },
  });
  const worker = async () => {
    while (nextIndex < bodies.length) {
      const body = bodies[nextIndex++] ?? '';
      inFlight++;
      results.push(await send(options.client, body, nowMs()));
      inFlight--;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return results.sort((a, b) => a.sentAt - b.sentAt);
}

async function send(client: OrdersClient, body: string, scheduledAt: number): Promise<SentOrder> {
  const sentAt = nowMs();
  const result = await client.post(body);
  return { ...result, scheduledAt, sentAt, answeredAt: nowMs() };
}
