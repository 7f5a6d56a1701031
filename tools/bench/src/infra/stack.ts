import { readFileSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where the local stack listens and keeps its pid files. The same ORDERFLOW_* variables
 * and defaults as tools/stack/src/config.ts: that package has no runtime entry point
 * (`@orderflow/stack` resolves only for the type checker and Jest), so the few values
 * the bench needs are read here.
 */
export interface StackEndpoints {
  host: string;
  cacheDir: string;
  stateDir: string;
  kafkaBrokers: string[];
  registryUrl: string;
  /** Admin connection (trust auth, superuser `orderflow`). */
  postgresUrl: string;
  postgresPort: number;
  otlpHttpUrl: string;
  smtpUrl: string;
}

export function stackEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const host = '127.0.0.1';
  const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
  const postgresPort = port('ORDERFLOW_POSTGRES_PORT', 15432);
  return {
    host,
    cacheDir: env['ORDERFLOW_CACHE_DIR'] ?? path.join(homedir(), '.cache', 'orderflow'),
    stateDir: env['ORDERFLOW_STACK_DIR'] ?? path.join(tmpdir(), 'orderflow-stack'),
    kafkaBrokers: [`${host}:${port('ORDERFLOW_KAFKA_PORT', 19092)}`],
    registryUrl: `http://${host}:${port('ORDERFLOW_REGISTRY_PORT', 18081)}/apis/ccompat/v7`,
    postgresUrl: `postgres://orderflow@${host}:${postgresPort}/postgres`,
    postgresPort,
    otlpHttpUrl: `http://${host}:${port('ORDERFLOW_OTLP_HTTP_PORT', 14318)}`,
    smtpUrl: `smtp://${host}:${port('ORDERFLOW_SMTP_PORT', 11025)}`,
  };
}

/** The infrastructure processes whose CPU the bench reports, with their stack markers. */
export const infrastructure = {
  postgres: 'postgres',
  kafka: 'orderflow.stack=kafka',
  registry: 'orderflow.stack=registry',
  jaeger: 'jaeger-',
  'mail-sink': 'mail-sink.ts',
} as const;
export type InfrastructureName = keyof typeof infrastructure;

const pidFileName: Record<InfrastructureName, string> = {
  postgres: 'postgres',
  kafka: 'kafka',
  registry: 'registry',
  jaeger: 'jaeger',
  'mail-sink': 'mail',
};

/**
 * The pid of a stack component: its pid file under the state directory, checked
 * against its command line (a recycled pid is never taken), else the first process
 * whose command line carries the component's marker.
 */
export function componentPid(stack: StackEndpoints, name: InfrastructureName): number | undefined {
  const marker = infrastructure[name];
  const file = path.join(stack.stateDir, pidFileName[name], `${pidFileName[name]}.pid`);
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    if (Number.isInteger(pid) && cmdline(pid).includes(marker)) return pid;
  } catch {
    // no pid file: look the process up below
  }
  const wanted = name === 'postgres' ? `-p\0${stack.postgresPort}` : marker;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid !== process.pid && cmdline(pid).includes(wanted)) return pid;
  }
  return undefined;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
