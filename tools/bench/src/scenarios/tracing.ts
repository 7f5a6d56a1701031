import { OrdersClient } from '../load/http.js';
import { runBurst } from '../load/burst-run.js';
import { fmt } from '../log.js';
import { burstSize } from '../profile.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

/**
 * (h) What tracing costs: the burst drain rate of the main saga (tracing on, default
 * sampling) beside a second saga started with OTEL_SDK_DISABLED=true, alternating
 * repetitions so that drift on the machine hits both alike.
 */
export const tracing: Scenario = {
  id: 'tracing',
  title: 'tracing on vs off (burst drain rate)',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('tracing');
    const on = await ctx.saga();
    const onClient = await ctx.client();
    log('starting a second saga with tracing off (OTEL_SDK_DISABLED=true)');
    const off = await ctx.startWarm(false);
    const offClient = new OrdersClient(off.ordersUrl, off.authorization);
    const size = burstSize(ctx.profile, ctx.maxSustained);
    const { concurrency, drainMs } = ctx.profile.burst;
    const rates: { on: (number | undefined)[]; off: (number | undefined)[] } = { on: [], off: [] };
    try {
      for (let rep = 1; rep <= ctx.reps; rep++) {
        for (const [label, saga, client] of [
          ['on', on, onClient],
          ['off', off, offClient],
        ] as const) {
          log(`rep ${rep}/${ctx.reps}: burst of ${size} with tracing ${label}`);
          const b = await runBurst(
            saga,
            client,
            { size, concurrency, waitMs: drainMs, next: ctx.orders(`tracing-${rep}`) },
            log,
          );
          rates[label].push(b.drainRate);
          log(
            `  tracing ${label}: ${fmt(b.drainRate)} orders/s (${b.confirmed}/${b.accepted} confirmed)`,
          );
        }
      }
    } finally {
      offClient.close();
      await off.stop();
    }
    const f = ctx.figures;
    f.fromValues('tracing', 'tracing.on', 'Burst drain rate, tracing on', 'orders/s', rates.on);
    f.fromValues('tracing', 'tracing.off', 'Burst drain rate, tracing off', 'orders/s', rates.off);
    f.fromValues(
      'tracing',
      'tracing.cost',
      'Tracing cost (1 − on/off)',
      '%',
      rates.on.map((r, i) => {
        const o = rates.off[i];
        return r !== undefined && o ? 100 * (1 - r / o) : undefined;
      }),
    );
    const cost = f.get('tracing.cost')?.stat?.median;
    if (cost !== undefined && cost < 0) {
      ctx.notes.push(
        `tracing: the saga with tracing on drained faster than without (cost ${cost.toFixed(1)}%): ` +
          'the difference is within the noise of this machine, not a gain from tracing.',
      );
    }
    ctx.details['tracing'] = { size, rates };
  },
};
