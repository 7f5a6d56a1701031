import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestDatabase } from '@orderflow/testing';
import {
  createTestDatabase,
  eventually,
  stack,
  testAuth,
  testIssuer,
  testToken,
  uniqueName,
} from '@orderflow/testing';
import { ensureServiceBundle, freePort, serviceEntry } from '@orderflow/stack';

export const services = ['orders', 'payments', 'shipping', 'notifications'] as const;
export type ServiceName = (typeof services)[number];

export interface Saga {
  /** Topic and consumer-group prefix of this run. */
  prefix: string;
  url: Record<ServiceName, string>;
  db: Record<ServiceName, TestDatabase<unknown>>;
  /** Where each service's output goes, for a failing test to point at. */
  logDir: string;
  /** `Bearer <token>` of the test issuer with every scope: it may do anything, for anyone. */
  authorization: string;
  stop(): Promise<void>;
}

export interface SagaOptions {
  sagaDeadlineMs: number;
  reviewThresholdMinor?: number;
  /** info by default; at debug every handled event is logged too. */
  logLevel?: 'info' | 'debug';
}

const root = path.resolve(__dirname, '..', '..');

/**
 * The four services as real processes (their bundles, dist/services/<name>/main.cjs,
 * exactly as the stack runs them; see serviceEntry), each with a fresh database, all on
 * one unique topic prefix, so an e2e run shares nothing with another run but the
 * infrastructure.
 */
export async function startSaga(options: SagaOptions): Promise<Saga> {
  const prefix = `${uniqueName('e2e')}.`;
  const logDir = path.join(stack.stateDir, 'logs', 'e2e', prefix.slice(0, -1));
  await mkdir(logDir, { recursive: true });
  // Built only when missing or older than the sources.
  for (const s of services) await ensureServiceBundle(s, { root, logDir });
  const db = Object.fromEntries(
    await Promise.all(
      services.map(async (s) => [s, await createTestDatabase<unknown>(s)] as const),
    ),
  ) as Record<ServiceName, TestDatabase<unknown>>;
  const ports = Object.fromEntries(
    await Promise.all(services.map(async (s) => [s, await freePort()] as const)),
  );
  const url = Object.fromEntries(
    services.map((s) => [s, `http://127.0.0.1:${ports[s]}`]),
  ) as Record<ServiceName, string>;
  // The services verify tokens of the test issuer against its public keys in a file.
  const jwksFile = path.join(logDir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify((await testIssuer()).jwks()));
  const common = {
    HTTP_HOST: '127.0.0.1',
    AUTH_ISSUER: testAuth.issuer,
    AUTH_AUDIENCE: testAuth.audience,
    AUTH_JWKS_FILE: jwksFile,
    // Off: a run places its orders from one client as fast as it can; the limit itself
    // is tested in services/orders/src/http/auth.int.spec.ts.
    RATE_LIMIT_WRITE_PER_S: '0',
    KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.endpoints.registryUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    OUTBOX_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: options.logLevel ?? 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: stack.endpoints.otlpHttpUrl,
    // A service that never gets ready is asked for a diagnostic report (its stack, its
    // open handles) before it is stopped: see `reportUnready`.
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], `--report-on-signal --report-directory="${logDir}"`]
      .filter(Boolean)
      .join(' '),
  };
  const own: Record<ServiceName, Record<string, string>> = {
    orders: { SAGA_DEADLINE_MS: String(options.sagaDeadlineMs), SAGA_DEADLINE_SCAN_MS: '250' },
    payments: options.reviewThresholdMinor
      ? { PAYMENT_REVIEW_THRESHOLD_MINOR: String(options.reviewThresholdMinor) }
      : {},
    shipping: {},
    notifications: { SMTP_URL: stack.endpoints.smtpUrl, NOTIFICATION_POLL_MS: '250' },
  };
  const exits: Partial<Record<ServiceName, string>> = {};
  const children: ChildProcess[] = services.map((s) => {
    const log = createWriteStream(path.join(logDir, `${s}.log`));
    const entry = serviceEntry(s, root);
    const child = spawn(entry.command, entry.args, {
      cwd: entry.cwd,
      env: {
        ...process.env,
        ...common,
        ...own[s],
        OTEL_SERVICE_NAME: s,
        // As the stack runs them: one process per service, named.
        KAFKA_GROUP_INSTANCE_ID: s,
        HTTP_PORT: String(ports[s]),
        // Migrated as the owner, run as the runtime role: as deployed.
        DATABASE_URL: db[s].roles.runtimeUrl,
        DATABASE_MIGRATION_URL: db[s].roles.ownerUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.once('exit', (code, signal) => (exits[s] = `code ${code}, signal ${signal}`));
    return child;
  });
  const stop = async () => {
    await Promise.all(children.map((c) => terminate(c)));
    await Promise.all(services.map((s) => db[s].drop()));
  };
  const ready = new Set<ServiceName>();
  try {
    await Promise.all(
      services.map((s) =>
        eventually(
          async () => {
            expectOk(
              !exits[s],
              `${s} exited (${exits[s]}) before it was ready; see ${logDir}/${s}.log`,
            );
            const res = await fetch(`${url[s]}/readyz`);
            expectOk(res.status === 200, `${s} is not ready (see ${logDir}/${s}.log)`);
            ready.add(s);
          },
          90_000,
          250,
        ),
      ),
    );
  } catch (error) {
    const unready = children.filter((c, i) => !ready.has(services[i]!) && c.exitCode === null);
    const reports = await reportUnready(unready, logDir);
    await stop();
    if (reports.length === 0) throw error;
    // Not `error.message +=`: fetch's errors come from another realm than the test's.
    throw new Error(
      `${String(error)}; diagnostic reports of the services not ready: ${reports.join(', ')}`,
      { cause: error },
    );
  }
  // Valid for longer than the slowest e2e run (the contract test takes minutes).
  const token = await testToken('all', undefined, { subject: 'e2e', ttlSeconds: 4 * 3_600 });
  return { prefix, url, db, logDir, authorization: `Bearer ${token}`, stop };
}

/** The signal on which `--report-on-signal` writes a report (Node's default). */
const reportSignal = 'SIGUSR2';

/**
 * Asks each process for a Node diagnostic report (written to `dir` on `reportSignal`:
 * the JavaScript stack, the libuv handles it waits on) and waits until each has
 * written one, or 10 s. Returns their paths. A report holds the process's environment:
 * here the credentials of test databases that are dropped right after.
 */
async function reportUnready(children: ChildProcess[], dir: string): Promise<string[]> {
  const written = async (pid: number | undefined) =>
    (await readdir(dir)).filter((f) => f.startsWith('report.') && f.includes(`.${pid}.`));
  for (const child of children) child.kill(reportSignal);
  const reports = await Promise.all(
    children.map((child) =>
      eventually(
        async () => {
          const files = await written(child.pid);
          expectOk(files.length > 0, `no report from ${child.pid}`);
          return files.map((f) => path.join(dir, f));
        },
        10_000,
        100,
      ).catch(() => [] as string[]),
    ),
  );
  return reports.flat();
}

function expectOk(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** SIGTERM (the services drain and exit), SIGKILL if they take too long. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
