import { runWindow } from '../load/window.js';
import { fmt } from '../log.js';
import type { Hops } from '../measure/hops.js';
import { hopsAfter, hopsBefore } from '../measure/hops.js';
import { benchKafka } from '../measure/topics.js';
import type { LatencySummary } from '../stats.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

interface RateRun {
  rate: number;
  accepted: number;
  confirmed: number;
  refused: number;
  unfinished: number;
  latency: LatencySummary | undefined;
  hops: Hops | undefined;
}

/**
 * (b) POST→confirmed latency at fixed open-loop rates, and where it goes: relay pickup,
 * Kafka transit and queueing, and the consumers' handlers.
 */
export const latency: Scenario = {
  id: 'latency',
  title: 'latency at fixed open-loop rates, with the per-hop breakdown',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('latency');
    const p = ctx.profile.latency;
    const saga = await ctx.saga();
    const client = await ctx.client();
    const kafka = benchKafka(ctx.stack);
    const max = ctx.maxSustained;
    const rates: { rate: number; key: string; label: string }[] = p.rates.map((r) => ({
      rate: r,
      key: String(r),
      label: `${r}/s`,
    }));
    if (max !== undefined && max > 0) {
      const half = Math.max(1, Math.round(max / 2));
      rates.push({ rate: half, key: 'half-max', label: `${half}/s (50% of max)` });
    } else {
      ctx.figures.missing(
        'latency',
        'latency.half-max.p50',
        'p50 at 50% of max',
        'ms',
        max === 0
          ? 'n/a: the throughput search found no sustained rate'
          : 'n/a: needs the throughput scenario in the same run',
      );
    }
    const runs: Record<string, RateRun[]> = {};
    // Without a measured max (--only latency), the first rate the saga cannot keep up
    // with stands in for it: higher rates would only pile up a backlog.
    let failedAt: number | undefined;
    for (const { rate, key, label } of rates.sort((a, b) => a.rate - b.rate)) {
      const limit = max !== undefined ? max * p.skipAboveMax : failedAt;
      if (limit !== undefined && rate > limit) {
        const why =
          max === 0
            ? 'not run: the throughput search found no sustained rate'
            : max !== undefined
              ? `not run: above ${p.skipAboveMax}× the max sustained ${fmt(max)}/s, where orders only queue`
              : `not run: the saga did not keep up with ${fmt(failedAt)}/s`;
        log(`${label}: ${why}`);
        for (const q of ['p50', 'p99'] as const) {
          ctx.figures.missing(
            'latency',
            `latency.${key}.${q}`,
            `POST→confirmed ${q} at ${label}`,
            'ms',
            why,
            `the saga does not sustain ${label}`,
          );
        }
        continue;
      }
      runs[key] = [];
      for (let rep = 1; rep <= ctx.reps; rep++) {
        log(`rep ${rep}/${ctx.reps}: ${label} for ${p.windowMs / 1000} s`);
        const before = await hopsBefore(kafka, saga).catch(() => undefined);
        const w = await runWindow(
          saga,
          client,
          {
            rate,
            durationMs: p.windowMs,
            drainMs: p.drainMs,
            next: ctx.orders(`latency-${key}-${rep}`),
            abortOnRunaway: false,
            maxP99Ms: Number.POSITIVE_INFINITY,
          },
          log,
        );
        const hops = before
          ? await hopsAfter(kafka, saga, before, new Set(w.orderIds)).catch(() => undefined)
          : undefined;
        runs[key].push({
          rate,
          accepted: w.accepted,
          confirmed: w.confirmed,
          refused: w.refused,
          unfinished: w.unfinished,
          latency: w.latency,
          hops,
        });
        log(
          `  ${label}: ${w.confirmed}/${w.accepted} confirmed${w.refused > 0 ? `, ${w.refused} refused` : ''}, p50 ${fmt(w.latency?.p50)} ms, p99 ${fmt(w.latency?.p99)} ms; ` +
            `pickup p99 ${fmt(hops?.relayPickup?.p99)} ms, transit p99 ${fmt(hops?.transit?.p99)} ms`,
        );
      }
      record(ctx, key, label, runs[key]);
      const keptUp = runs[key].every((r) => r.unfinished === 0 && (r.latency?.p99 ?? 0) <= 1_000);
      if (!keptUp && failedAt === undefined) failedAt = rate;
    }
    ctx.details['latency'] = runs;
  },
};

function record(ctx: BenchContext, key: string, label: string, reps: RateRun[]): void {
  const f = ctx.figures;
  const lat = (q: keyof LatencySummary) => reps.map((r) => r.latency?.[q]);
  f.fromValues('latency', `latency.${key}.p50`, `POST→confirmed p50 at ${label}`, 'ms', lat('p50'));
  f.fromValues('latency', `latency.${key}.p95`, `POST→confirmed p95 at ${label}`, 'ms', lat('p95'));
  f.fromValues('latency', `latency.${key}.p99`, `POST→confirmed p99 at ${label}`, 'ms', lat('p99'));
  f.fromValues('latency', `latency.${key}.max`, `POST→confirmed max at ${label}`, 'ms', lat('max'));
  const open = reps.reduce(
    (s, r) => s + r.unfinished + (r.accepted - r.confirmed - r.unfinished),
    0,
  );
  if (open > 0)
    ctx.notes.push(
      `latency at ${label}: ${open} accepted order(s) not confirmed within the drain time (left out of the percentiles).`,
    );
  const refused = reps.reduce((s, r) => s + r.refused, 0);
  if (refused > 0)
    ctx.notes.push(
      `latency at ${label}: ${refused} request(s) refused up front (429/503), left out of the percentiles.`,
    );
  const hop = (name: string, id: string, pick: (h: Hops) => number | undefined) => {
    const values = reps.map((r) => (r.hops ? pick(r.hops) : undefined));
    if (values.every((v) => v === undefined)) {
      f.missing(
        'latency',
        `latency.${key}.${id}`,
        `${name} at ${label}`,
        'ms',
        'n/a: no per-hop data for this code version',
      );
    } else {
      f.fromValues('latency', `latency.${key}.${id}`, `${name} at ${label}`, 'ms', values);
    }
  };
  hop('relay pickup p50', 'pickupP50', (h) => h.relayPickup?.p50);
  hop('relay pickup p99', 'pickupP99', (h) => h.relayPickup?.p99);
  hop('Kafka transit+queue p50', 'transitP50', (h) => h.transit?.p50);
  hop('Kafka transit+queue p99', 'transitP99', (h) => h.transit?.p99);
  for (const service of ['orders', 'payments', 'shipping', 'notifications'] as const) {
    hop(`${service} handler p99`, `handler.${service}.p99`, (h) => h.handler[service]?.p99);
  }
}
