import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Component, StackConfig } from '@orderflow/stack';
import {
  components,
  down,
  freePort,
  loadStackConfig,
  readPid,
  startDaemon,
  stopDaemon,
  up,
  waitUntil,
} from '@orderflow/stack';
import { log } from './log.js';
import type { ServiceListener } from './network.js';
import { Network, withServiceListeners } from './network.js';

/** The infrastructure a run uses: the shared stack, or a private one it may restart. */
export interface Infrastructure {
  config: StackConfig;
  /** True when this run owns it: Kafka, Postgres and the registry may be restarted. */
  owned: boolean;
  restart(name: RestartableName, holdMs: number): Promise<void>;
  /** Private infrastructure with network faults: each service's proxies to Kafka and Postgres. */
  network?: Network;
  stop(): Promise<void>;
}

export type RestartableName = 'kafka' | 'postgres' | 'registry';
const privateComponents = ['postgres', 'kafka', 'registry', 'mail'];

/** The stack everybody shares (`npm run stack -- up`): never restarted by a run. */
export function sharedInfrastructure(): Infrastructure {
  return {
    config: loadStackConfig(),
    owned: false,
    restart: () => Promise.reject(new Error('the shared stack is never restarted')),
    stop: () => Promise.resolve(),
  };
}

/**
 * Postgres, Kafka, the registry and the mail sink of this run only: the stack's own
 * components in a state directory of their own, on free ports, so that restarting
 * them disturbs nobody. The binaries come from the shared cache.
 *
 * With `network`, Toxiproxy too, with a proxy per service and server, and a broker
 * with a listener per service that advertises the service's proxy (see network.ts).
 */
export async function privateInfrastructure(
  options: { network?: boolean } = {},
): Promise<Infrastructure> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'orderflow-chaos-stack-'));
  // mkdtemp makes it 0700: Postgres runs as its own user when we are root, and must
  // reach its data directory inside.
  chmodSync(stateDir, 0o755);
  const names = [
    'KAFKA',
    'KAFKA_CONTROLLER',
    'REGISTRY',
    'REGISTRY_MANAGEMENT',
    'POSTGRES',
    'OTLP_GRPC',
    'OTLP_HTTP',
    'JAEGER_QUERY',
    'JAEGER_HEALTH',
    'SMTP',
    'MAIL_API',
  ];
  const ports: Record<string, string> = {};
  for (const name of names) ports[`ORDERFLOW_${name}_PORT`] = String(await freePort());
  const config = loadStackConfig({ ...process.env, ORDERFLOW_STACK_DIR: stateDir, ...ports });
  log('stack', `starting a private stack in ${stateDir}`);
  const component = (name: string) => components(config).find((c) => c.name === name)!;
  const listeners = options.network ? await Network.listeners() : [];
  let network: Network | undefined;
  // Kafka with the services' listeners is started here, not by `up`, which would write
  // the stack's server.properties with its one client listener.
  const startKafka = async () => {
    if (listeners.length === 0) return up(config, ['kafka']);
    await startKafkaWithListeners(component('kafka'), config, listeners);
  };
  const stop = async () => {
    await network?.stop();
    await down(config, privateComponents);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    // With the services' listeners, Kafka starts beside the rest; everything has
    // finished starting before anything is stopped.
    const others = privateComponents.filter((c) => c !== 'kafka');
    const started = await Promise.allSettled(
      listeners.length === 0
        ? [up(config, privateComponents)]
        : [startKafkaWithListeners(component('kafka'), config, listeners), up(config, others)],
    );
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    if (options.network)
      network = await Network.start({
        dir: path.join(stateDir, 'toxiproxy'),
        host: config.host,
        postgresPort: config.ports.postgres,
        listeners,
      });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    config,
    owned: true,
    network,
    async restart(name, holdMs) {
      const daemon = component(name).daemon;
      const pid = readPid(daemon);
      if (pid !== undefined) {
        // Postgres gets its fast shutdown (SIGINT); Kafka and the registry are killed.
        signalGroup(pid, name === 'postgres' ? 'SIGINT' : 'SIGKILL');
        while (readPid(daemon) !== undefined) await sleepMs(100);
      }
      await sleepMs(holdMs);
      // Until a killed server's last processes have exited, a new one may refuse to start.
      for (let attempt = 1; ; attempt++) {
        try {
          await (name === 'kafka' ? startKafka() : up(config, [name]));
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await sleepMs(1_000);
        }
      }
    },
    stop,
  };
}

/**
 * The stack's Kafka component started as `up` starts it, with the services' listeners
 * added to the server.properties it writes.
 */
async function startKafkaWithListeners(
  kafka: Component,
  config: StackConfig,
  listeners: readonly ServiceListener[],
): Promise<void> {
  await kafka.provision();
  // A broker killed alone may have left a child behind that holds its port.
  await stopDaemon(kafka.daemon);
  await kafka.prepare();
  const properties = path.join(config.stateDir, 'kafka', 'server.properties');
  writeFileSync(
    properties,
    withServiceListeners(readFileSync(properties, 'utf8'), config.host, listeners),
    { mode: 0o600 },
  );
  startDaemon(kafka.daemon);
  await waitUntil('kafka', () => kafka.ready(), {
    timeoutMs: kafka.startTimeoutMs,
    isAlive: () => readPid(kafka.daemon) !== undefined,
    logFile: kafka.daemon.logFile,
  });
  log('stack', `kafka ready with a listener per service`);
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
