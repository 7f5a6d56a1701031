import type { WindowResult } from '../load/window.js';
import { runWindow } from '../load/window.js';
import { judgeWindow } from '../judge.js';
import { fmt } from '../log.js';
import type { BatchCounts } from '../measure/batch-records.js';
import { batchCounts, batchDelta, meanBatch } from '../measure/batch-records.js';
import type { Probe, SearchParams } from '../search.js';
import { nextProbe, searchResult } from '../search.js';
import { median } from '../stats.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

export interface ProbeSummary {
  rate: number;
  pass: boolean;
  reasons: string[];
  accepted: number;
  confirmed: number;
  refused: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  backlogMid: number;
  backlogEnd: number;
  generatorLagP99Ms: number | undefined;
  /** Mean records per consumer transaction over the four services in this window. */
  recordsPerTransaction: number | undefined;
}

/**
 * (a) The highest rate at which every order is confirmed, none refused or cancelled,
 * p99 stays under a second and the backlog stays flat: ramp, then bisect. Each window
 * also reads the services' consumer_batch_records histograms before and after, so the
 * records per consumer transaction at the max sustained rate are known (the db
 * scenario's batch size B).
 */
export const throughput: Scenario = {
  id: 'throughput',
  title: 'sustained saga throughput (open-loop search)',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('throughput');
    const p = ctx.profile.throughput;
    const saga = await ctx.saga();
    const client = await ctx.client();
    const results: number[] = [];
    const p99AtMax: (number | undefined)[] = [];
    const reps: ProbeSummary[][] = [];
    /** Per repetition: each probe's rate, verdict and batch counts. */
    const batches: { rate: number; pass: boolean; counts: BatchCounts }[][] = [];
    for (let rep = 1; rep <= ctx.reps; rep++) {
      const previous = results.at(-1);
      const params: SearchParams = {
        start: previous && previous > 0 ? previous / p.repFactor : p.start,
        factor: previous ? p.repFactor : p.factor,
        minRate: 2,
        maxRate: p.maxRate,
        resolution: p.resolution,
        maxProbes: previous === undefined ? p.maxProbes : p.repMaxProbes,
      };
      const history: Probe[] = [];
      const probes: ProbeSummary[] = [];
      const repBatches: { rate: number; pass: boolean; counts: BatchCounts }[] = [];
      for (
        let rate = nextProbe(params, history);
        rate !== undefined;
        rate = nextProbe(params, history)
      ) {
        log(`rep ${rep}/${ctx.reps}: probing ${rate} orders/s for ${p.windowMs / 1000} s`);
        const countsBefore = await batchCounts(saga);
        const w = await runWindow(
          saga,
          client,
          {
            rate,
            durationMs: p.windowMs,
            drainMs: p.drainMs,
            next: ctx.orders(`throughput-${rep}-${rate}`),
            abortOnRunaway: true,
            maxP99Ms: p.maxP99Ms,
          },
          log,
        );
        const counts = batchDelta(await batchCounts(saga), countsBefore);
        const summary = summarize(w, p.maxP99Ms, meanBatch([counts]).mean);
        probes.push(summary);
        repBatches.push({ rate, pass: summary.pass, counts });
        history.push({ rate, pass: summary.pass });
        log(
          `  ${rate}/s ${summary.pass ? 'sustained' : 'not sustained'}: ${w.confirmed}/${w.accepted} confirmed, ` +
            `p50 ${fmt(summary.p50Ms)} ms, p99 ${fmt(summary.p99Ms)} ms${summary.pass ? '' : `; ${summary.reasons.join('; ')}`}`,
        );
      }
      const best = searchResult(history);
      results.push(best);
      p99AtMax.push(probes.find((x) => x.rate === best && x.pass)?.p99Ms);
      reps.push(probes);
      batches.push(repBatches);
      log(`rep ${rep}: max sustained ${best} orders/s`);
    }
    ctx.maxSustained = median(results);
    // The records per consumer transaction at each repetition's max sustained rate.
    const atMax = meanBatch(
      batches.flatMap((probesOfRep, i) =>
        probesOfRep.filter((b) => b.pass && b.rate === results[i]).map((b) => b.counts),
      ),
    );
    if (atMax.mean !== undefined) {
      ctx.consumerBatch = { mean: atMax.mean, perService: atMax.perService };
      log(
        `records per consumer transaction at the max sustained rate: ${fmt(atMax.mean)} ` +
          `(${Object.entries(atMax.perService)
            .map(([name, m]) => `${name} ${fmt(m)}`)
            .join(', ')})`,
      );
    }
    ctx.figures.fromValues(
      'throughput',
      'throughput.sustained',
      'Max sustained saga throughput',
      'orders/s',
      results,
    );
    ctx.figures.fromValues(
      'throughput',
      'throughput.p99AtMax',
      'POST→confirmed p99 at that rate',
      'ms',
      p99AtMax,
      results.some((r) => r > 0) ? undefined : 'n/a: no rate was sustained',
    );
    ctx.details['throughput'] = {
      criteria: p,
      reps,
      recordsPerTransactionAtMax: atMax.mean === undefined ? null : atMax,
    };
  },
};

function summarize(
  w: WindowResult,
  maxP99Ms: number,
  recordsPerTransaction: number | undefined,
): ProbeSummary {
  const verdict = judgeWindow(
    {
      rate: w.rate,
      accepted: w.accepted,
      refused: w.refused,
      errors: w.errors,
      errorSamples: w.errorSamples,
      cancelled: w.cancelled,
      unfinished: w.unfinished,
      p99Ms: w.latency?.p99,
      backlogMid: w.backlogMid,
      backlogEnd: w.backlogEnd,
      aborted: w.aborted,
    },
    { maxP99Ms },
  );
  return {
    rate: w.rate,
    pass: verdict.pass,
    reasons: verdict.reasons,
    accepted: w.accepted,
    confirmed: w.confirmed,
    refused: w.refused,
    p50Ms: w.latency?.p50,
    p99Ms: w.latency?.p99,
    backlogMid: w.backlogMid,
    backlogEnd: w.backlogEnd,
    generatorLagP99Ms: w.generatorLagP99Ms,
    recordsPerTransaction,
  };
}
