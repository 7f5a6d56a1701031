import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component } from './component.js';
import { jaeger } from './components/jaeger.js';
import { kafka } from './components/kafka.js';
import { mail } from './components/mail.js';
import { postgres } from './components/postgres.js';
import { registry } from './components/registry.js';
import { sagaConsole } from './components/console.js';
import { service, serviceNames } from './components/service.js';
import type { StackConfig } from './config.js';
import { devIssuer } from './dev-auth.js';
import { readPid, startDaemon, stopDaemon } from './process.js';
import { progress } from './progress.js';
import { waitUntil } from './readiness.js';

export const infrastructureNames = ['postgres', 'kafka', 'registry', 'jaeger', 'mail'] as const;
/** What people use the system through, started with the services. */
export const appNames = ['console'] as const;
export const componentNames = [...infrastructureNames, ...serviceNames, ...appNames] as const;
export type ComponentName = (typeof componentNames)[number];

/** Infrastructure first, then the services, which need it. */
export function components(config: StackConfig): Component[] {
  return [
    postgres(config),
    kafka(config),
    registry(config),
    jaeger(config),
    mail(config),
    ...serviceNames.map((name) => service(config, name)),
    sagaConsole(config),
  ];
}

export interface ComponentStatus {
  name: string;
  pid: number | undefined;
  ready: boolean;
  endpoint: string;
}

/**
 * Starts whatever is not running and waits until every component answers a real
 * request. Safe to call twice, and from several processes at once: a lock file
 * serialises concurrent callers (Jest projects starting in parallel, say).
 */
export async function up(
  config: StackConfig,
  only: readonly string[] = infrastructureNames,
): Promise<void> {
  const all = components(config).filter((c) => only.includes(c.name));
  const started = Date.now();
  await withLock(config, async () => {
    // The dev signing key: `npm run token` mints tokens the services accept.
    await devIssuer(config);
    // The services need the infrastructure ready, so they start in a second wave.
    const infra = all.filter((c) => (infrastructureNames as readonly string[]).includes(c.name));
    await startAll(infra);
    await startAll(all.filter((c) => !infra.includes(c)));
  });
  progress('stack', `up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function startAll(selected: Component[]): Promise<void> {
  // Provision first (downloads, builds), then start everything, then wait: the
  // JVMs take the longest to boot and overlap with each other this way.
  for (const c of selected) await c.provision();
  const waiting: Promise<void>[] = [];
  for (const c of selected) {
    const pid = readPid(c.daemon);
    if (pid !== undefined && (await probe(c))) {
      progress(c.name, `already running (pid ${pid})`);
      await c.configure?.();
      continue;
    }
    if (pid === undefined) {
      // A daemon killed alone may have left a child behind that holds its port.
      if (await stopDaemon(c.daemon)) progress(c.name, 'stopped what an earlier run left behind');
      await c.prepare();
      const newPid = startDaemon(c.daemon);
      progress(c.name, `started (pid ${newPid}), waiting until it answers`);
    }
    const t0 = Date.now();
    waiting.push(
      waitUntil(c.name, () => c.ready(), {
        timeoutMs: c.startTimeoutMs,
        isAlive: () => readPid(c.daemon) !== undefined,
        logFile: c.daemon.logFile,
      })
        .then(() =>
          progress(c.name, `ready in ${((Date.now() - t0) / 1000).toFixed(1)}s at ${c.endpoint}`),
        )
        .then(() => c.configure?.()),
    );
  }
  await Promise.all(waiting);
}

export async function down(config: StackConfig, only?: readonly string[]): Promise<void> {
  const selected = components(config).filter((c) => !only?.length || only.includes(c.name));
  const stop = (list: Component[]) =>
    Promise.all(
      list.map(async (c) => {
        const stopped = await stopDaemon(c.daemon);
        progress(c.name, stopped ? 'stopped' : 'was not running');
      }),
    );
  // The services first, so that they shut down cleanly while Kafka and Postgres are up.
  const services = selected.filter((c) => (serviceNames as readonly string[]).includes(c.name));
  await stop(services);
  await stop(selected.filter((c) => !services.includes(c)));
}

export async function status(config: StackConfig): Promise<ComponentStatus[]> {
  return Promise.all(
    components(config).map(async (c) => ({
      name: c.name,
      pid: readPid(c.daemon),
      ready: await probe(c),
      endpoint: c.endpoint,
    })),
  );
}

async function probe(c: Component): Promise<boolean> {
  try {
    return await c.ready();
  } catch {
    return false;
  }
}

/** An exclusive lock on the state directory, released even when `fn` throws. */
async function withLock(config: StackConfig, fn: () => Promise<void>): Promise<void> {
  mkdirSync(config.stateDir, { recursive: true, mode: 0o755 });
  const lock = path.join(config.stateDir, 'stack.lock');
  let announced = false;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) progress('stack', 'another process is bringing the stack up; waiting for it');
      announced = true;
      await sleep(500);
    }
  }
  try {
    await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
  } catch {
    return false;
  }
  if (!Number.isInteger(pid)) return false; // being written right now
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
