import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Component } from '../component.js';
import type { ServiceName } from '../components/service.js';
import { service } from '../components/service.js';
import type { StackConfig } from '../config.js';
import { freePort } from '../ports.js';
import { loadStackConfig } from '../config.js';
import { allScopes, devIssuer } from '../dev-auth.js';
import { readPid, startDaemon, stopDaemon } from '../process.js';
import { commandLineOf } from '../process-table.js';
import { waitUntil } from '../readiness.js';

/**
 * One service started exactly as `stack up --with-services` starts it (the same
 * component, the same daemon), but beside the stack's own copy: its own free port,
 * state directory (pid and log file), database and topic prefix.
 */
export interface PrivateService {
  readonly name: ServiceName;
  readonly url: string;
  readonly port: number;
  readonly component: Component;
  /** `Bearer <token>` from this copy's own dev issuer, with every scope. */
  authorization(): Promise<string>;
  /** Starts the daemon and waits until /readyz answers 200; returns the recorded pid. */
  start(): Promise<number>;
  /** Stops the daemon (as `stack down` does), drops the database, removes the state. */
  dispose(): Promise<void>;
}

export async function privateService(name: ServiceName): Promise<PrivateService> {
  const port = await freePort();
  const stateDir = mkdtempSync(path.join(tmpdir(), `orderflow-${name}-`));
  const config: StackConfig = loadStackConfig({
    ...process.env,
    ORDERFLOW_STACK_DIR: stateDir,
    [`ORDERFLOW_${name.toUpperCase()}_PORT`]: String(port),
  });
  const database = `${name}_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const component = service(config, name, {
    database,
    env: { KAFKA_TOPIC_PREFIX: `${database}.`, LOG_LEVEL: 'info' },
  });
  return {
    name,
    url: component.endpoint,
    port,
    component,
    async authorization() {
      const token = await (await devIssuer(config)).mint({ scopes: allScopes, subject: 'test' });
      return `Bearer ${token}`;
    },
    async start() {
      await component.prepare();
      const pid = startDaemon(component.daemon);
      await waitUntil(name, () => component.ready(), {
        timeoutMs: 120_000,
        isAlive: () => readPid(component.daemon) !== undefined,
        logFile: component.daemon.logFile,
      });
      return pid;
    },
    async dispose() {
      await stopDaemon(component.daemon);
      await adminQuery(config, `drop database if exists "${database}" with (force)`);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(config: StackConfig, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: config.endpoints.postgresUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** True when nothing listens on the port: we can listen on it ourselves. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Live processes whose command line holds `marker` and whose environment sets
 * `variable` (say, HTTP_PORT=<port>): finds a test's own service among the copies
 * other tests and the stack run, wherever it sits in the process tree.
 */
export function processesWith(marker: string, variable: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => commandLineOf(pid)?.includes(marker) && environmentOf(pid).includes(variable));
}

function environmentOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
