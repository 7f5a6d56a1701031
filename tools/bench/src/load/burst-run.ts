import type { Saga } from '../infra/saga.js';
import type { Log } from '../log.js';
import type { PlaceOrderBody } from '../orders.js';
import type { SentOrder } from './generator.js';
import { burst } from './generator.js';
import type { OrdersClient } from './http.js';
import type { Outcome } from './outcomes.js';
import { settle, terminalOutcomes, waitTerminal } from './outcomes.js';
import type { Tally } from './tally.js';
import { tally } from './tally.js';

export interface BurstResult extends Tally {
  size: number;
  /** Accepted orders per second while posting. */
  postRate: number;
  /** Confirmed orders / (last terminal event − first send), orders/s. */
  drainRate: number | undefined;
  firstSend: number;
  lastSend: number;
  lastTerminal: number | undefined;
  sentOrders: SentOrder[];
  outcomes: Map<string, Outcome>;
}

/**
 * A burst: `size` orders posted as fast as `concurrency` allows, then every accepted
 * order waited for (up to `waitMs` after the last POST) and counted by outcome.
 */
export async function runBurst(
  saga: Saga,
  client: OrdersClient,
  options: { size: number; concurrency: number; waitMs: number; next: () => PlaceOrderBody },
  log: Log,
): Promise<BurstResult> {
  await settle(saga.db.orders, 60_000, log);
  let progress: ReturnType<typeof setInterval> | undefined;
  const sent = await burst({
    client,
    count: options.size,
    concurrency: options.concurrency,
    next: options.next,
    onStart: (handle) => {
      const started = Date.now();
      progress = setInterval(() => {
        log(
          `  posting: ${handle.sent}/${options.size} sent (${Math.round((Date.now() - started) / 1000)} s)`,
        );
      }, 5_000);
    },
  }).finally(() => clearInterval(progress));
  const counted = tally(sent);
  const firstSend = Math.min(...sent.map((o) => o.sentAt));
  const lastSend = Math.max(...sent.map((o) => o.answeredAt));
  log(
    `  posted ${options.size}: ${counted.accepted} accepted, ${counted.refused} refused, ${counted.errors} failed; draining`,
  );
  await waitTerminal(saga.db.orders, counted.acceptedIds, options.waitMs, log);
  const outcomes = await terminalOutcomes(saga.db.orders, counted.acceptedIds);
  const final = tally(sent, outcomes);
  const lastTerminal =
    outcomes.size > 0 ? Math.max(...[...outcomes.values()].map((o) => o.at)) : undefined;
  return {
    ...final,
    size: options.size,
    postRate: counted.accepted / Math.max(0.001, (lastSend - firstSend) / 1000),
    drainRate:
      lastTerminal === undefined || final.confirmed === 0
        ? undefined
        : final.confirmed / Math.max(0.001, (lastTerminal - firstSend) / 1000),
    firstSend,
    lastSend,
    lastTerminal,
    sentOrders: sent,
    outcomes,
  };
}
