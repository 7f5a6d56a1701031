import { setTimeout as sleep } from 'node:timers/promises';
import type { Saga } from '../infra/saga.js';
import { groupOf } from '../infra/topics.js';
import { ServiceProcess, serviceNames } from '../infra/services.js';
import { openLoop } from '../load/generator.js';
import type { OrdersClient } from '../load/http.js';
import { settle } from '../load/outcomes.js';
import type { Log } from '../log.js';
import { fmt } from '../log.js';
import { cpuDelta, sampleCpu } from '../measure/cpu.js';
import type { GroupState, PartitionKey } from '../measure/group.js';
import { committedOffsets, describeGroup } from '../measure/group.js';
import { benchKafka } from '../measure/topics.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

const victim = 'payments';

/**
 * (i) Idle CPU of each service (no load at all), then: stop payments (SIGTERM, and
 * SIGKILL) while orders flow at a modest rate, start it again, and time from spawn
 * until /readyz answers 200 and until its inbox gets a new row (it consumes again).
 * Then failover: a second payments instance joins the group, is SIGKILLed, and the
 * time until the survivor has committed progress on every partition it owned.
 */
export const restart: Scenario = {
  id: 'restart',
  title: 'idle CPU, restart to consuming after SIGTERM / SIGKILL, and failover',
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
    const failovers: Failover[] = [];
    for (let rep = 1; rep <= ctx.reps; rep++) {
      log(
        `rep ${rep}/${ctx.reps}: failover, two ${victim} instances, orders at ${p.failoverRate}/s`,
      );
      const failover = await failoverOnce(ctx, saga, client, ctx.orders(`failover-${rep}`), log);
      failovers.push(failover);
      log(
        `  SIGKILL of one of two: ${failover.partitions.length} partitions moved; ` +
          `group rebalanced after ${fmt(failover.rebalanced)} s, all consumed again after ${fmt(failover.consuming)} s`,
      );
    }
    f.fromValues(
      'restart',
      'restart.failover',
      `${victim}: SIGKILL of one of two instances to the survivor consuming all its partitions`,
      's',
      failovers.map((x) => x.consuming),
    );
    f.fromValues(
      'restart',
      'restart.failoverRebalanced',
      `${victim}: SIGKILL of one of two instances to the survivor owning all partitions`,
      's',
      failovers.map((x) => x.rebalanced),
    );
    ctx.details['restart'] = {
      victim,
      rate: p.rate,
      times,
      failoverRate: p.failoverRate,
      failovers,
    };
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

interface Failover {
  /** The killed member's partitions (topic/partition). */
  partitions: PartitionKey[];
  /** Seconds from the kill until the survivor alone holds every partition. */
  rebalanced: number | undefined;
  /** Seconds from the kill until the group committed progress on every killed partition. */
  consuming: number | undefined;
}

/**
 * A second payments instance (the bundle, its own port, the same database and
 * consumer group) joins while orders flow; once the group is stable with both, it is
 * SIGKILLed. Its partitions wait for the session timeout, then a rebalance gives them
 * to the survivor: the clock stops when the group's committed offset has moved past
 * its value at the kill on every one of them (the survivor consumed and committed).
 */
async function failoverOnce(
  ctx: BenchContext,
  saga: Saga,
  client: OrdersClient,
  next: Parameters<typeof openLoop>[0]['next'],
  log: Log,
): Promise<Failover> {
  const { failoverRate, timeoutMs } = ctx.profile.restart;
  const survivor = saga.services[victim];
  const group = groupOf(saga.prefix, victim);
  const admin = benchKafka(ctx.stack, 'orderflow-bench-failover').admin();
  await admin.connect();
  const second = new ServiceProcess({ ...survivor.spec, instanceId: `${victim}-2` });
  const stopLoad = new AbortController();
  const load = openLoop({
    client,
    rate: failoverRate,
    durationMs: 3 * timeoutMs,
    next,
    signal: stopLoad.signal,
  });
  try {
    const before = new Set((await describeGroup(admin, group)).members.map((m) => m.memberId));
    await second.start();
    await second.waitReady();
    // Both members hold partitions in a settled generation; the newcomer is the one
    // whose member id was not there before.
    const joined = await waitFor(
      () => describeGroup(admin, group),
      (g) =>
        g.state === 'Stable' &&
        g.members.length === 2 &&
        g.members.every((m) => m.partitions.length > 0) &&
        g.members.filter((m) => !before.has(m.memberId)).length === 1,
      timeoutMs,
    );
    if (!joined) throw new Error(`the second ${victim} did not get partitions in ${group}`);
    const killed = joined.members.find((m) => !before.has(m.memberId))!;
    await sleep(3_000); // both consume for a while
    const topics = [...new Set(killed.partitions.map((p) => p.slice(0, p.lastIndexOf('/'))))];
    const atKill = await committedOffsets(admin, group, topics);
    const killedAt = Date.now();
    await second.stop('SIGKILL');
    let rebalanced: number | undefined;
    let consuming: number | undefined;
    const deadline = killedAt + timeoutMs;
    while (consuming === undefined && Date.now() < deadline) {
      if (!survivor.running) throw new Error(`the surviving ${victim} exited`);
      if (rebalanced === undefined) {
        const g = await describeGroup(admin, group);
        const [only] = g.members;
        if (g.state === 'Stable' && g.members.length === 1 && only?.memberId !== killed.memberId)
          rebalanced = (Date.now() - killedAt) / 1000;
      }
      const now = await committedOffsets(admin, group, topics);
      const moved = killed.partitions.every((p) => (now.get(p) ?? -1n) > (atKill.get(p) ?? -1n));
      if (moved) consuming = (Date.now() - killedAt) / 1000;
      else await sleep(100);
    }
    if (consuming === undefined)
      log(`  the survivor did not take over within ${timeoutMs / 1000} s`);
    return { partitions: killed.partitions, rebalanced, consuming };
  } finally {
    stopLoad.abort();
    await load;
    await second.stop('SIGKILL');
    await admin.disconnect();
  }
}

/** Polls `read` until `done` holds (the value), or undefined after the timeout. */
async function waitFor(
  read: () => Promise<GroupState>,
  done: (g: GroupState) => boolean,
  timeoutMs: number,
): Promise<GroupState | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const g = await read();
    if (done(g)) return g;
    await sleep(200);
  }
  return undefined;
}
