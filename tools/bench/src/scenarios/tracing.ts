import { OrdersClient } from '../load/http.js';
import { fmt } from '../log.js';
import type { BenchContext } from './context.js';
import { cpuPerOrder, cpuRate } from './cpu.js';
import type { Scenario } from './scenario.js';

/**
 * (h) What tracing costs: the CPU per order of every process at a fixed rate, with
 * tracing on (default sampling) and off (OTEL_SDK_DISABLED=true). The saga is CPU-bound
 * on this machine, so its throughput goes as the inverse of the CPU an order costs, and
 * the throughput tracing takes away is 1 − CPU off / CPU on. Two sagas, started and
 * warmed up alike for this scenario (the main saga has run for minutes, and a service's
 * JIT compiler takes about a fifth of its CPU in its first minute), measured in turns,
 * which go first alternating per repetition, so that warming and drift hit both alike.
 * A burst drain rate per saga, the figure used before, swung by ±40% between repetitions.
 */
export const tracing: Scenario = {
  id: 'tracing',
  title: 'tracing on vs off (CPU per order at a fixed rate)',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('tracing');
    const { windowMs, warmup } = ctx.profile.tracing;
    const rate = cpuRate(ctx);
    log('starting two sagas, tracing on and off (OTEL_SDK_DISABLED=true), warmed up alike');
    // Side by side: the same start-up and warm-up for both, in half the time.
    const started = await Promise.allSettled([
      ctx.startWarm(true, warmup),
      ctx.startWarm(false, warmup),
    ]);
    const [on, off] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    if (!on || !off) {
      await Promise.all([on?.stop(), off?.stop()]);
      const failed = started.find((s) => s.status === 'rejected');
      throw failed?.status === 'rejected' ? failed.reason : new Error('a saga did not start');
    }
    const sagas = { on, off };
    const clients = {
      on: new OrdersClient(on.ordersUrl, on.authorization),
      off: new OrdersClient(off.ordersUrl, off.authorization),
    };
    const cpu: { on: (number | undefined)[]; off: (number | undefined)[] } = { on: [], off: [] };
    try {
      for (let rep = 1; rep <= ctx.reps; rep++) {
        const turns = rep % 2 === 1 ? (['on', 'off'] as const) : (['off', 'on'] as const);
        for (const label of turns) {
          log(`rep ${rep}/${ctx.reps}: tracing ${label}, ${rate}/s for ${windowMs / 1000} s`);
          const w = await cpuPerOrder(
            ctx,
            sagas[label],
            clients[label],
            { rate, windowMs, label: `tracing-${label}-${rep}` },
            log,
          );
          cpu[label].push(w.confirmed > 0 ? w.total : undefined);
          log(`  tracing ${label}: ${fmt(w.total)} ms CPU per order (${w.confirmed} confirmed)`);
        }
      }
    } finally {
      clients.on.close();
      clients.off.close();
      await Promise.all([on.stop(), off.stop()]);
    }
    const f = ctx.figures;
    f.fromValues('tracing', 'tracing.on', 'CPU per order, tracing on', 'ms', cpu.on);
    f.fromValues('tracing', 'tracing.off', 'CPU per order, tracing off', 'ms', cpu.off);
    f.fromValues(
      'tracing',
      'tracing.cost',
      'Tracing cost (1 − CPU per order off/on)',
      '%',
      cpu.on.map((o, i) => {
        const x = cpu.off[i];
        return o && x !== undefined ? 100 * (1 - x / o) : undefined;
      }),
    );
    const cost = f.get('tracing.cost')?.stat?.median;
    if (cost !== undefined && cost < 0) {
      ctx.notes.push(
        `tracing: an order cost less CPU with tracing on than off (cost ${cost.toFixed(1)}%): ` +
          'the difference is within the noise of this machine, not a gain from tracing.',
      );
    }
    ctx.details['tracing'] = { rate, windowMs, cpu };
  },
};
