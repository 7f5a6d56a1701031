import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackEndpoints } from './stack.js';
import { ensureServiceBundle, freePort, serviceEntry } from '@orderflow/stack';

export const serviceNames = ['orders', 'payments', 'shipping', 'notifications'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceSpec {
  name: ServiceName;
  /** The checkout whose service runs (its bundle, dist/services/<name>/main.cjs). */
  root: string;
  stack: StackEndpoints;
  databaseUrl: string;
  /** KAFKA_TOPIC_PREFIX: topics and consumer groups of this run only. */
  prefix: string;
  tracing: boolean;
  logDir: string;
  /** KAFKA_GROUP_INSTANCE_ID; the service's name unless a second instance runs. */
  instanceId?: string;
  env?: Record<string, string>;
}

/**
 * One service as a process, started the way the stack and the e2e harness start it
 * (node --enable-source-maps dist/services/<name>/main.cjs, cwd the checkout; see
 * serviceEntry) on a free port.
 */
export class ServiceProcess {
  child: ChildProcess | undefined;
  port = 0;
  /** Epoch ms of the last spawn. */
  spawnedAt = 0;

  constructor(readonly spec: ServiceSpec) {}

  get name(): ServiceName {
    return this.spec.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.port === 0) this.port = await freePort();
    const { spec } = this;
    mkdirSync(spec.logDir, { recursive: true });
    const log = createWriteStream(path.join(spec.logDir, `${spec.name}.log`), { flags: 'a' });
    const env: NodeJS.ProcessEnv = {
      ...inheritedEnv(),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(this.port),
      DATABASE_URL: spec.databaseUrl,
      KAFKA_BROKERS: spec.stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: spec.stack.registryUrl,
      KAFKA_TOPIC_PREFIX: spec.prefix,
      OTEL_EXPORTER_OTLP_ENDPOINT: spec.stack.otlpHttpUrl,
      OTEL_SERVICE_NAME: spec.name,
      LOG_LEVEL: 'warn',
      // Restarted after SIGKILL, it removes the member it left (see the restart scenario).
      KAFKA_GROUP_INSTANCE_ID: spec.instanceId ?? spec.name,
      ...(spec.name === 'notifications' ? { SMTP_URL: spec.stack.smtpUrl } : {}),
      ...(spec.tracing ? {} : { OTEL_SDK_DISABLED: 'true' }),
      ...spec.env,
    };
    // A no-op unless the sources changed since the last build.
    await ensureServiceBundle(spec.name, { root: spec.root, logDir: spec.logDir });
    const entry = serviceEntry(spec.name, spec.root);
    this.spawnedAt = Date.now();
    this.child = spawn(entry.command, entry.args, {
      cwd: entry.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
  }

  /** Polls GET /readyz until 200; fails early if the process exits. */
  async waitReady(timeoutMs = 90_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `${this.name} exited (code ${this.child?.exitCode}); see ${this.spec.logDir}/${this.name}.log`,
        );
      }
      if (await this.isReady()) return Date.now();
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs / 1000} s`);
  }

  async isReady(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** SIGTERM (the service drains and exits), SIGKILL after the grace period. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async scrapeMetrics(): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * The bench's environment without service settings (a shell that sourced
 * `npm run stack -- env`, or set a review threshold, must not change what is measured):
 * every service runs with its defaults except what the bench sets.
 */
const serviceSetting =
  /^(HTTP_|DATABASE_|KAFKA_|SCHEMA_REGISTRY|OTEL_|SAGA_|PAYMENT_|SHIPPING_|NOTIF|SMTP_|MAIL_|OUTBOX_|INBOX_|CONSUMER_|SEED_DEMO|LOG_LEVEL|ORDERS?_|ADMISSION)/;

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !serviceSetting.test(name)),
  );
}
