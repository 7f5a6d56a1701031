import type { Saga } from '../infra/saga.js';
import { backlogLevels, backlogRunaway } from '../judge.js';
import type { Log } from '../log.js';
import type { PlaceOrderBody } from '../orders.js';
import type { LatencySummary } from '../stats.js';
import { summarizeLatencies } from '../stats.js';
import type { LoadHandle, SentOrder } from './generator.js';
import { openLoop } from './generator.js';
import type { OrdersClient } from './http.js';
import { nowMs } from './http.js';
import { pendingSince, settle, terminalOutcomes, waitTerminal } from './outcomes.js';
import { tally } from './tally.js';
import type { Tally } from './tally.js';

export interface WindowSpec {
  rate: number;
  durationMs: number;
  /** How long accepted orders may take to become terminal after the window. */
  drainMs: number;
  next: () => PlaceOrderBody;
  /** Stop sending once the backlog runs away (throughput search); else send the whole window. */
  abortOnRunaway: boolean;
  maxP99Ms: number;
}

export interface WindowResult extends Tally {
  rate: number;
  durationMs: number;
  startedAt: number;
  endedAt: number;
  /** POST→confirmed (ms), from each order's scheduled send time. */
  latency: LatencySummary | undefined;
  /** Scheduled→sent delay of the generator itself (ms): large values mean the bench lagged. */
  generatorLagP99Ms: number | undefined;
  backlogMid: number;
  backlogEnd: number;
  aborted: boolean;
  orderIds: string[];
  sentOrders: SentOrder[];
}

/** One open-loop window on the saga: send, watch the backlog, drain, read outcomes. */
export async function runWindow(
  saga: Saga,
  client: OrdersClient,
  spec: WindowSpec,
  log: Log,
): Promise<WindowResult> {
  const orders = saga.db.orders;
  const leftover = await settle(orders, 60_000, log);
  if (leftover > 0) log(`  ${leftover} orders from earlier load still pending; going on`);
  const abort = new AbortController();
  const samples: number[] = [];
  let handle: LoadHandle | undefined;
  const startedAt = nowMs();
  let lastLog = startedAt;
  const monitor = setInterval(() => {
    void pendingSince(orders, startedAt - 1_000).then(
      (pending) => {
        // The backlog while the window sends; after its last request, only the drain.
        if (handle && !handle.sending) return;
        const backlog = pending + (handle?.inFlight ?? 0);
        samples.push(backlog);
        if (spec.abortOnRunaway && backlogRunaway(samples, spec.rate, spec.maxP99Ms)) abort.abort();
        if (nowMs() - lastLog >= 3_000) {
          lastLog = nowMs();
          const s = ((nowMs() - startedAt) / 1000).toFixed(0);
          log(
            `  ${spec.rate}/s: ${s}/${spec.durationMs / 1000} s, sent ${handle?.sent ?? 0}, backlog ${backlog}`,
          );
        }
      },
      () => undefined,
    );
  }, 1_000);
  let sent: SentOrder[];
  try {
    sent = await openLoop({
      client,
      rate: spec.rate,
      durationMs: spec.durationMs,
      next: spec.next,
      signal: abort.signal,
      onStart: (h) => (handle = h),
    });
  } finally {
    clearInterval(monitor);
  }
  const endedAt = nowMs();
  const { mid: backlogMid, end: backlogEnd } = backlogLevels(samples);
  const counted = tally(sent);
  const ids = counted.acceptedIds;
  const unfinished = await waitTerminal(orders, ids, spec.drainMs, log);
  const outcomes = await terminalOutcomes(orders, ids);
  const final = tally(sent, outcomes, unfinished);
  const latencies = sent.flatMap((o) => {
    const outcome = o.orderId ? outcomes.get(o.orderId) : undefined;
    return outcome?.status === 'CONFIRMED' ? [outcome.at - o.scheduledAt] : [];
  });
  const lag = summarizeLatencies(sent.map((o) => o.sentAt - o.scheduledAt));
  return {
    ...final,
    rate: spec.rate,
    durationMs: endedAt - startedAt,
    startedAt,
    endedAt,
    latency: summarizeLatencies(latencies),
    generatorLagP99Ms: lag?.p99,
    backlogMid,
    backlogEnd,
    aborted: abort.signal.aborted,
    orderIds: ids,
    sentOrders: sent,
  };
}
