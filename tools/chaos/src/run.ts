import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckResult } from './check.js';
import { check } from './check.js';
import { FaultInjector } from './faults.js';
import type { FaultRecord } from './faults.js';
import { Fleet } from './fleet.js';
import type { Infrastructure } from './infrastructure.js';
import { privateInfrastructure, sharedInfrastructure } from './infrastructure.js';
import { driveLoad } from './load.js';
import type { LoadResult } from './load.js';
import { log } from './log.js';
import { accounts, planOrders, reviewThresholdMinor, stock } from './mix.js';
import { Observer } from './observe.js';
import type { ChaosOptions } from './options.js';
import type { Fault, ServiceName } from './schedule.js';
import { infrastructureFaults, networkFaults, schedule, serviceNames } from './schedule.js';

/** The consumers' session timeout: the services' default, not the stack's shorter one. */
export const sessionTimeoutMs = 6_000;
/** Pending orders are cancelled by the saga after this long (reason DEADLINE). */
const sagaDeadlineMs = 45_000;

export interface RunResult {
  options: Omit<ChaosOptions, 'help'>;
  prefix: string;
  infrastructure: 'private' | 'shared';
  load: Omit<LoadResult, 'accepted'> & { accepted: number; seconds: number };
  outcomes: Record<string, number>;
  faults: FaultRecord[];
  /** From the end of the load (every fault healed) until the system had settled. */
  quiesceMs: number | undefined;
  unsettled: string[];
  check: CheckResult & { byInvariant: Record<string, number> };
  /** What the topics carried, per producing service. */
  records: Record<ServiceName, number>;
  /** With network faults: bytes each service's proxy (`<service>-kafka`, `-postgres`) carried. */
  proxied?: Record<string, number>;
  logDir: string;
}

/**
 * One chaos run: infrastructure (private when the schedule restarts any of it), the four
 * services, the seeded order mix at a steady rate while the seeded schedule injects and
 * heals faults, then quiescence, the snapshot and the check.
 */
export async function runChaos(options: ChaosOptions, planned?: Fault[]): Promise<RunResult> {
  const durationMs = options.durationS * 1_000;
  const faults =
    planned ??
    schedule({
      seed: options.seed,
      durationMs,
      kinds: options.faults,
      sessionTimeoutMs,
    });
  const needsPrivate = faults.some((f) => infrastructureFaults.includes(f.kind));
  const needsNetwork = faults.some((f) => networkFaults.includes(f.kind));
  const id = `chaos${Date.now().toString(36)}`;
  const prefix = `${id}.`;
  const runDir = path.join(tmpdir(), `orderflow-${id}`);
  mkdirSync(runDir, { recursive: true });
  log(
    'chaos',
    `${options.orders} orders over ${options.durationS}s, seed ${options.seed}, ${faults.length} faults scheduled`,
  );

  // The services' logs are kept for a run that failed, and removed for one that passed.
  let keepLogs = true;
  let infra: Infrastructure | undefined;
  let fleet: Fleet | undefined;
  let observer: Observer | undefined;
  try {
    infra = needsPrivate
      ? await privateInfrastructure({ network: needsNetwork })
      : sharedInfrastructure();
    const databases = Object.fromEntries(serviceNames.map((n) => [n, `${id}_${n}`])) as Record<
      ServiceName,
      string
    >;
    const common = {
      LOG_LEVEL: 'info',
      KAFKA_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
      OUTBOX_POLL_INTERVAL_MS: '200',
      OTEL_SDK_DISABLED: 'true',
      AUTH_DISABLED: 'true',
      // One client places every order: no per-client write limit.
      RATE_LIMIT_WRITE_PER_S: '0',
    };
    fleet = new Fleet({
      infra: infra.config,
      runDir,
      prefix,
      databases,
      links: infra.network?.ports,
      env: {
        orders: {
          ...common,
          SAGA_DEADLINE_MS: String(sagaDeadlineMs),
          SAGA_DEADLINE_SCAN_MS: '1000',
        },
        payments: { ...common, PAYMENT_REVIEW_THRESHOLD_MINOR: String(reviewThresholdMinor) },
        shipping: common,
        notifications: { ...common, NOTIFICATION_POLL_MS: '250' },
      },
    });
    await fleet.startAll();
    observer = new Observer(infra.config, prefix, databases);
    await observer.seed(accounts, stock);
    if (options.sabotage === 'lose-outbox-rows') await observer.loseOutboxRows();

    const loadStart = Date.now();
    const injector = new FaultInjector(fleet, infra, observer, loadStart);
    const plan = planOrders(options.orders, options.seed);
    let lastShown = 0;
    const currentFleet = fleet;
    const currentObserver = observer;
    const loadDone = driveLoad({
      orders: plan,
      durationMs,
      concurrency: 64,
      ordersUrl: () => currentFleet.live('orders')!.url,
      onProgress: (placed) => {
        if (Date.now() - lastShown < 10_000) return;
        lastShown = Date.now();
        log(
          'load',
          `${placed}/${options.orders} orders placed, ${((Date.now() - loadStart) / 1000).toFixed(0)}s`,
        );
        void currentObserver.pollMails().catch((error: Error) => log('mail', error.message));
      },
    });
    for (const fault of faults) {
      const wait = loadStart + fault.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      await injector.inject(fault);
    }
    const load = await loadDone;
    const loadEnd = Date.now();
    log(
      'load',
      `done: ${load.accepted.length} accepted in ${((loadEnd - loadStart) / 1000).toFixed(0)}s, ${load.retries} retries`,
    );

    // Quiescence: conditions, polled; never a fixed sleep.
    let unsettled: string[] = ['not checked yet'];
    let quiesceMs: number | undefined;
    let lastLog = 0;
    while (Date.now() - loadEnd < options.quiesceTimeoutS * 1_000) {
      try {
        unsettled = await observer.unsettled();
      } catch (error) {
        unsettled = [`probe failed: ${error instanceof Error ? error.message : String(error)}`];
      }
      if (unsettled.length === 0) {
        quiesceMs = Date.now() - loadEnd;
        break;
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log('quiesce', unsettled.join(', '));
        void observer.pollMails().catch((error: Error) => log('mail', error.message));
      }
      await sleep(500);
    }
    log(
      'quiesce',
      quiesceMs === undefined
        ? `not settled: ${unsettled.join(', ')}`
        : `settled in ${(quiesceMs / 1000).toFixed(1)}s`,
    );
    await injector.settled();

    const snapshot = await observer.snapshot(load.accepted);
    // The services stop before the proxies' byte counts are read: Toxiproxy counts a
    // connection's bytes when it closes.
    const stopping = fleet;
    fleet = undefined;
    await stopping.stopAll();
    const proxied = await infra.network?.toxiproxy.bytes();
    const result = check(snapshot);
    const outcomes: Record<string, number> = {};
    for (const o of snapshot.orders) {
      const key = o.status === 'CANCELLED' ? `CANCELLED ${o.cancelReason ?? '?'}` : o.status;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    keepLogs = quiesceMs === undefined || result.violations.length > 0;
    const byInvariant: Record<string, number> = {};
    for (const v of result.violations)
      byInvariant[v.invariant] = (byInvariant[v.invariant] ?? 0) + 1;
    const { help: _help, ...shown } = options;
    return {
      options: shown,
      prefix,
      infrastructure: infra.owned ? 'private' : 'shared',
      load: { ...load, accepted: load.accepted.length, seconds: (loadEnd - loadStart) / 1000 },
      outcomes,
      faults: injector.records,
      quiesceMs,
      unsettled,
      check: { ...result, byInvariant },
      records: Object.fromEntries(
        serviceNames.map((n) => [n, snapshot.topics[n].length]),
      ) as Record<ServiceName, number>,
      ...(proxied && { proxied }),
      logDir: runDir,
    };
  } finally {
    await observer?.close();
    await fleet?.stopAll().catch(() => undefined);
    await infra?.stop().catch(() => undefined);
    if (infra && !infra.owned) await dropDatabases(infra, id).catch(() => undefined);
    if (!keepLogs) rmSync(runDir, { recursive: true, force: true });
  }
}

/** On the shared stack, the run's databases go when it ends (its topics stay, prefixed). */
async function dropDatabases(infra: Infrastructure, id: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: infra.config.endpoints.postgresUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const n of serviceNames)
      await client.query(`drop database if exists "${id}_${n}" with (force)`);
  } finally {
    await client.end();
  }
}
