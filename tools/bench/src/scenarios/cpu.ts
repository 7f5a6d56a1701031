import { setTimeout as sleep } from 'node:timers/promises';
import type { Saga } from '../infra/saga.js';
import { serviceNames } from '../infra/services.js';
import type { InfrastructureName } from '../infra/stack.js';
import { componentPid, infrastructure } from '../infra/stack.js';
import type { OrdersClient } from '../load/http.js';
import { runWindow } from '../load/window.js';
import type { Log } from '../log.js';
import { fmt } from '../log.js';
import { cpuDelta, sampleCpu } from '../measure/cpu.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

/** The processes whose CPU the bench reports: the saga's services and the stack's servers. */
export function cpuRoots(ctx: BenchContext, saga: Saga): Record<string, number | undefined> {
  const roots: Record<string, number | undefined> = {};
  for (const name of serviceNames) roots[name] = saga.services[name].pid;
  for (const name of Object.keys(infrastructure) as InfrastructureName[])
    roots[name] = componentPid(ctx.stack, name);
  return roots;
}

/** CPU milliseconds per confirmed order of each process, and of all of them, in one window. */
export interface CpuWindow {
  perOrder: Record<string, number | undefined>;
  total: number;
  confirmed: number;
}

/**
 * Sends `rate` orders a second for `windowMs` to a saga and returns the CPU each process
 * used per confirmed order, from /proc before and after (the drain and the e-mails of
 * the last orders included).
 */
export async function cpuPerOrder(
  ctx: BenchContext,
  saga: Saga,
  client: OrdersClient,
  window: { rate: number; windowMs: number; label: string },
  log: Log,
): Promise<CpuWindow> {
  const roots = cpuRoots(ctx, saga);
  const before = sampleCpu(roots);
  const w = await runWindow(
    saga,
    client,
    {
      rate: window.rate,
      durationMs: window.windowMs,
      drainMs: 30_000,
      next: ctx.orders(window.label),
      abortOnRunaway: false,
      maxP99Ms: Number.POSITIVE_INFINITY,
    },
    log,
  );
  await sleep(1_000); // the e-mails of the last orders
  const used = cpuDelta(before, sampleCpu(roots));
  const orders = Math.max(1, w.confirmed);
  const perOrder: Record<string, number | undefined> = {};
  let total = 0;
  for (const [name, ms] of Object.entries(used)) {
    perOrder[name] = ms === undefined ? undefined : ms / orders;
    total += ms ?? 0;
  }
  return { perOrder, total: total / orders, confirmed: w.confirmed };
}

/** The rate the CPU figures are taken at: half the max sustained rate. */
export function cpuRate(ctx: BenchContext): number {
  return ctx.maxSustained
    ? Math.max(1, Math.round(ctx.maxSustained / 2))
    : ctx.profile.cpu.fallbackRate;
}

/**
 * (g) CPU milliseconds per order of every process (services, Postgres with its
 * backends, Kafka, registry, Jaeger, mail sink, the bench itself) over a fixed-rate
 * window, from /proc before and after (the drain included).
 */
export const cpu: Scenario = {
  id: 'cpu',
  title: 'CPU per order per process at a fixed rate',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('cpu');
    const p = ctx.profile.cpu;
    const saga = await ctx.saga();
    const client = await ctx.client();
    const rate = cpuRate(ctx);
    const perOrder: Record<string, (number | undefined)[]> = {};
    for (let rep = 1; rep <= ctx.reps; rep++) {
      log(`rep ${rep}/${ctx.reps}: ${rate}/s for ${p.windowMs / 1000} s`);
      const w = await cpuPerOrder(
        ctx,
        saga,
        client,
        { rate, windowMs: p.windowMs, label: `cpu-${rep}` },
        log,
      );
      for (const [name, ms] of Object.entries(w.perOrder)) (perOrder[name] ??= []).push(ms);
      (perOrder['total'] ??= []).push(w.total);
      log(`  ${w.confirmed} orders confirmed; ${fmt(w.total)} ms CPU per order in all`);
    }
    for (const [name, values] of Object.entries(perOrder)) {
      if (values.every((v) => v === undefined)) {
        ctx.figures.missing(
          'cpu',
          `cpu.${name}`,
          `CPU per order: ${name}`,
          'ms',
          'n/a: process not found',
        );
      } else {
        ctx.figures.fromValues('cpu', `cpu.${name}`, `CPU per order: ${name}`, 'ms', values);
      }
    }
    ctx.details['cpu'] = { rate, windowMs: p.windowMs, perOrder };
    ctx.notes.push(
      `CPU per order at ${rate}/s: Postgres counts every backend (other databases' work included), ` +
        "and every process counts work that is not this window's (idle polling, other engineers' load on shared servers).",
    );
  },
};
