import path from 'node:path';
import type { Component, DaemonSpec, StackConfig } from '@orderflow/stack';
import {
  freePort,
  loadStackConfig,
  readPid,
  service,
  startDaemon,
  waitUntil,
} from '@orderflow/stack';
import { log } from './log.js';
import type { LinkPorts } from './network.js';
import type { CrashPoint, ServiceName } from './schedule.js';
import { serviceNames } from './schedule.js';

/** One running copy of a service: the stack's own service component, on its own port. */
export class ServiceInstance {
  pid: number | undefined;

  constructor(
    readonly name: ServiceName,
    readonly index: number,
    readonly component: Component,
    private readonly files: { pidFile: string; logFile: string },
  ) {}

  /** The component's daemon, with a pid and log file of this instance's own. */
  get daemon(): DaemonSpec {
    return { ...this.component.daemon, ...this.files };
  }

  get url(): string {
    return this.component.endpoint;
  }

  get label(): string {
    return `${this.name}#${this.index}`;
  }

  /** Alive and not reused: the pid file's process still runs the service. */
  get alive(): boolean {
    return this.pid !== undefined && readPid(this.daemon) === this.pid;
  }

  /** Starts the process; with `crashAt`, armed to SIGKILL itself at that point. */
  start(crashAt?: CrashPoint): number {
    const daemon = this.daemon;
    if (crashAt) daemon.env = { ...daemon.env, ORDERFLOW_CRASH_AT: crashAt };
    this.pid = startDaemon(daemon);
    return this.pid;
  }

  async waitReady(timeoutMs = 180_000): Promise<void> {
    await waitUntil(this.label, () => this.ready(), {
      timeoutMs,
      isAlive: () => this.alive,
      logFile: this.files.logFile,
    });
  }

  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      /* already gone */
    }
  }

  /** SIGKILL, and wait until the process is really gone. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    while (this.alive) await new Promise((r) => setTimeout(r, 50));
    this.pid = undefined;
  }
}

export interface FleetOptions {
  infra: StackConfig;
  runDir: string;
  /** Topic and consumer-group prefix of the run. */
  prefix: string;
  /** Database name per service. */
  databases: Record<ServiceName, string>;
  env: Record<ServiceName, Record<string, string>>;
  /** With network faults: the service's proxies, which it uses instead of Kafka and Postgres. */
  links?: Record<ServiceName, LinkPorts> | undefined;
}

/**
 * The four services of a run, each as one or two instances made from the stack's
 * service component (same daemon, environment and readiness as `stack up`), on the
 * run's infrastructure, databases and topic prefix.
 */
export class Fleet {
  readonly instances: Record<ServiceName, ServiceInstance[]>;
  private nextIndex: Record<ServiceName, number>;

  constructor(private readonly options: FleetOptions) {
    this.instances = Object.fromEntries(serviceNames.map((n) => [n, []])) as unknown as Record<
      ServiceName,
      ServiceInstance[]
    >;
    this.nextIndex = Object.fromEntries(serviceNames.map((n) => [n, 0])) as Record<
      ServiceName,
      number
    >;
  }

  /** A new instance of `name`, not started yet; its database is created if missing. */
  async add(name: ServiceName): Promise<ServiceInstance> {
    const index = this.nextIndex[name]++;
    const port = await freePort();
    // The infrastructure's own state directory: the database roles' passwords and the
    // dev token issuer's keys live there. Pid and log files are the instance's own.
    const links = this.options.links?.[name];
    const config = loadStackConfig({
      ...process.env,
      ORDERFLOW_STACK_DIR: this.options.infra.stateDir,
      ...infraPorts(this.options.infra),
      ...(links && {
        ORDERFLOW_KAFKA_PORT: String(links.kafka),
        ORDERFLOW_POSTGRES_PORT: String(links.postgres),
      }),
      [`ORDERFLOW_${name.toUpperCase()}_PORT`]: String(port),
    });
    const component = service(config, name, {
      database: this.options.databases[name],
      env: {
        KAFKA_TOPIC_PREFIX: this.options.prefix,
        ...this.options.env[name],
      },
    });
    await component.prepare();
    const instance = new ServiceInstance(name, index, component, {
      pidFile: path.join(this.options.runDir, `${name}-${index}.pid`),
      logFile: path.join(this.options.runDir, 'logs', `${name}-${index}.log`),
    });
    this.instances[name].push(instance);
    return instance;
  }

  remove(instance: ServiceInstance): void {
    const list = this.instances[instance.name];
    list.splice(list.indexOf(instance), 1);
  }

  /** The instance the load talks to: the oldest one alive. */
  live(name: ServiceName): ServiceInstance | undefined {
    return this.instances[name].find((i) => i.alive) ?? this.instances[name][0];
  }

  async startAll(): Promise<void> {
    for (const name of serviceNames) if (this.instances[name].length === 0) await this.add(name);
    const all = serviceNames.flatMap((n) => this.instances[n]);
    for (const i of all) if (!i.alive) i.start();
    await Promise.all(all.map((i) => i.waitReady()));
    log('fleet', `ready: ${all.map((i) => `${i.label} pid ${i.pid}`).join(', ')}`);
  }

  /** SIGTERM to every instance (they drain and exit), SIGKILL after a grace period. */
  async stopAll(): Promise<void> {
    const all = serviceNames.flatMap((n) => this.instances[n]);
    await Promise.all(
      all.map(async (i) => {
        i.signal('SIGCONT');
        i.signal('SIGTERM');
        const deadline = Date.now() + 20_000;
        while (i.alive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        if (i.alive) await i.kill();
      }),
    );
  }
}

/** The variables that point a service's stack config at the run's infrastructure. */
function infraPorts(infra: StackConfig): Record<string, string> {
  const p = infra.ports;
  return {
    ORDERFLOW_KAFKA_PORT: String(p.kafka),
    ORDERFLOW_REGISTRY_PORT: String(p.registry),
    ORDERFLOW_POSTGRES_PORT: String(p.postgres),
    ORDERFLOW_OTLP_HTTP_PORT: String(p.otlpHttp),
    ORDERFLOW_SMTP_PORT: String(p.smtp),
    ORDERFLOW_MAIL_API_PORT: String(p.mailApi),
  };
}
