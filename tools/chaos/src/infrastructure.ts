import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StackConfig } from '@orderflow/stack';
import { components, down, freePort, loadStackConfig, readPid, up } from '@orderflow/stack';
import { log } from './log.js';

/** The infrastructure a run uses: the shared stack, or a private one it may restart. */
export interface Infrastructure {
  config: StackConfig;
  /** True when this run owns it: Kafka, Postgres and the registry may be restarted. */
  owned: boolean;
  restart(name: RestartableName, holdMs: number): Promise<void>;
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
 */
export async function privateInfrastructure(): Promise<Infrastructure> {
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
  await up(config, privateComponents);
  const component = (name: string) => components(config).find((c) => c.name === name)!;
  return {
    config,
    owned: true,
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
          await up(config, [name]);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await sleepMs(1_000);
        }
      }
    },
    async stop() {
      await down(config, privateComponents);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
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
