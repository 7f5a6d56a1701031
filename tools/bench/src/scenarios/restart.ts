import { setTimeout as sleep } from 'node:timers/promises';
import type { Saga } from '../infra/saga.js';
import { groupOf } from '../infra/topics.js';
import { serviceNames } from '../infra/services.js';
import { openLoop } from '../load/generator.js';
import type { OrdersClient } from '../load/http.js';
import { settle } from '../load/outcomes.js';
import type { Log } from '../log.js';
import { fmt } from '../log.js';
import { cpuDelta, sampleCpu } from '../measure/cpu.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

const victim = 'payments';

/**
 * (i) Idle CPU of each service (no load at all), then: stop payments (SIGTERM, and
 * SIGKILL) while orders flow at a modest rate, start it again, and time from spawn
 * until /readyz answers 200 and until its inbox gets a new row (it consumes again).
 */
export const restart: Scenario = {
  id: 'restart',
  title: 'idle CPU, and restart to consuming after SIGTERM / SIGKILL',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('restart');
    const p = ctx.profile.restart;
    const saga = await ctx.saga();
    const client = await ctx.client();
    await idleCpu(ctx, saga, log);

    const times: Record<
      'SIGTERM' | 'SIGKILL',
      { ready: (number | undefined)[]; consuming: (number | undefined)[] }
    > = {
      SIGTERM: { ready: [], consuming: [] },
      SIGKILL: { ready: [], consuming: [] },
    };
    for (let rep = 1; rep <= ctx.reps; rep++) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        log(`rep ${rep}/${ctx.reps}: ${signal} ${victim} with orders flowing at ${p.rate}/s`);
        const t = await restartOnce(
          saga,
          client,
          signal,
          p,
          ctx.orders(`restart-${signal}-${rep}`),
          log,
        );
        times[signal].ready.push(t.ready);
        times[signal].consuming.push(t.consuming);
        log(`  ${signal}: ready after ${fmt(t.ready)} s, consuming after ${fmt(t.consuming)} s`);
      }
    }
    const f = ctx.figures;
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const key = signal.toLowerCase();
      f.fromValues(
        'restart',
        `restart.${key}`,
        `${victim}: spawn to consuming after ${signal}`,
        's',
        times[signal].consuming,
      );
      f.fromValues(
        'restart',
        `restart.${key}Ready`,
        `${victim}: spawn to /readyz 200 after ${signal}`,
        's',
        times[signal].ready,
      );
    }
    ctx.details['restart'] = { victim, rate: p.rate, times };
  },
};

async function idleCpu(ctx: BenchContext, saga: Saga, log: Log): Promise<void> {
  const { idleMs } = ctx.profile.restart;
  await settle(saga.db.orders, 60_000, log);
  await sleep(2_000); // the last e-mails and relay passes
  log(`idle CPU: ${idleMs / 1000} s with no load`);
  const roots = Object.fromEntries(serviceNames.map((s) => [s, saga.services[s].pid]));
  const before = sampleCpu(roots);
  await sleep(idleMs);
  const used = cpuDelta(before, sampleCpu(roots));
  const percents = serviceNames.map((s) => {
    const ms = used[s];
    const pct = ms === undefined ? undefined : (100 * ms) / idleMs;
    ctx.figures.fromValues('restart', `idle.${s}`, `Idle CPU: ${s}`, '% of a core', [pct]);
    return pct;
  });
  log(`  idle CPU: ${serviceNames.map((s, i) => `${s} ${fmt(percents[i])}%`).join(', ')}`);
  const defined = percents.filter((v): v is number => v !== undefined);
  ctx.figures.fromValues('restart', 'idle.max', 'Idle CPU, busiest service', '% of a core', [
    defined.length > 0 ? Math.max(...defined) : undefined,
  ]);
}

async function restartOnce(
  saga: Saga,
  client: OrdersClient,
  signal: 'SIGTERM' | 'SIGKILL',
  p: { rate: number; timeoutMs: number },
  next: Parameters<typeof openLoop>[0]['next'],
  log: Log,
): Promise<{ ready: number | undefined; consuming: number | undefined }> {
  const service = saga.services[victim];
  const inbox = saga.db[victim];
  const group = groupOf(saga.prefix, victim);
  const stopLoad = new AbortController();
  const load = openLoop({
    client,
    rate: p.rate,
    durationMs: p.timeoutMs + 30_000,
    next,
    signal: stopLoad.signal,
  });
  try {
    await sleep(2_000);
    await service.stop(signal);
    await sleep(1_000); // orders keep coming: there is something to consume on return
    await service.start();
    const spawnedAt = service.spawnedAt;
    let ready: number | undefined;
    let consuming: number | undefined;
    const deadline = spawnedAt + p.timeoutMs;
    while ((ready === undefined || consuming === undefined) && Date.now() < deadline) {
      if (!service.running)
        throw new Error(`${victim} exited after restart; see ${saga.logDir}/${victim}.log`);
      if (ready === undefined && (await service.isReady())) ready = (Date.now() - spawnedAt) / 1000;
      if (consuming === undefined) {
        const [row] = await inbox.query<{ n: number }>(
          'select count(*)::int as n from inbox where consumer = $1 and received_at >= to_timestamp($2 / 1000.0)',
          [group, spawnedAt],
        );
        if ((row?.n ?? 0) > 0) consuming = (Date.now() - spawnedAt) / 1000;
      }
      await sleep(50);
    }
    if (consuming === undefined) log(`  ${victim} did not consume within ${p.timeoutMs / 1000} s`);
    return { ready, consuming };
  } finally {
    stopLoad.abort();
    await load;
    if (!service.running) await service.start();
    await service.waitReady().catch(() => undefined);
  }
}
