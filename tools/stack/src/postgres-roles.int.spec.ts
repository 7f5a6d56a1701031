import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Component } from './component.js';
import {
  databaseSecretsDir,
  ensureServiceDatabase,
  postgres,
  serviceDatabaseUrls,
} from './components/postgres.js';
import type { StackConfig } from './config.js';
import { loadStackConfig } from './config.js';
import { readPid, startDaemon, stopDaemon } from './process.js';
import { waitUntil } from './readiness.js';
import { freePort } from './ports.js';

/**
 * A new cluster made by the stack, on a port and in a state directory of its own: the
 * services' roles get generated passwords, kept readable by their owner only, and the
 * cluster checks them.
 */
describe("the stack's Postgres and the services' roles", () => {
  let stateDir: string;
  let config: StackConfig;
  let cluster: Component;

  /** A cluster on a port that was free a moment ago; false if another process took it first. */
  const startCluster = async (): Promise<boolean> => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'orderflow-postgres-'));
    // Under root the server runs as `postgres`, which must be able to enter it.
    chmodSync(stateDir, 0o755);
    config = loadStackConfig({
      ...process.env,
      ORDERFLOW_STACK_DIR: stateDir,
      ORDERFLOW_POSTGRES_PORT: String(await freePort()),
    });
    cluster = postgres(config);
    await cluster.provision();
    await cluster.prepare();
    startDaemon(cluster.daemon);
    try {
      await waitUntil('postgres', () => cluster.ready(), {
        timeoutMs: 60_000,
        isAlive: () => readPid(cluster.daemon) !== undefined,
        logFile: cluster.daemon.logFile,
      });
      return true;
    } catch (error) {
      // Suites running beside this one open connections from the same range of ports.
      if (!String(error).includes('Address already in use')) throw error;
      await stopDaemon(cluster.daemon);
      rmSync(stateDir, { recursive: true, force: true });
      return false;
    }
  };

  beforeAll(async () => {
    for (let attempt = 1; !(await startCluster()); attempt++) {
      if (attempt === 3) throw new Error('three free ports were taken before postgres bound them');
    }
    await ensureServiceDatabase(config, 'orders', 'orders');
  }, 180_000);

  afterAll(async () => {
    if (cluster) await stopDaemon(cluster.daemon);
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** The role a URL logs in as, or the Postgres error code of the refusal. */
  const login = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ role: string }>('select current_user as role');
      return rows[0]?.role;
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const withPassword = (url: string, password: string) => {
    const u = new URL(url);
    u.password = password;
    return u.toString();
  };

  it('lets each role in with its generated password, and refuses any other', async () => {
    const { url, migrationUrl } = serviceDatabaseUrls(config, 'orders', 'orders');
    expect(await login(url)).toBe('orders_app');
    expect(await login(migrationUrl)).toBe('orders');
    expect(await login(withPassword(url, 'not-the-password'))).toBe('28P01');
    expect(await login(withPassword(migrationUrl, 'wrong'))).toBe('28P01');
  });

  it('keeps the passwords in files only their owner can read', () => {
    const dir = databaseSecretsDir(config);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const role of ['orders', 'orders_app']) {
      expect(statSync(path.join(dir, `${role}.password`)).mode & 0o777).toBe(0o600);
    }
  });

  it('keeps other roles out of the service database', async () => {
    const { url } = serviceDatabaseUrls(config, 'orders', 'orders');
    const other = serviceDatabaseUrls(config, 'payments', 'payments');
    await ensureServiceDatabase(config, 'payments', 'payments');
    const intoOrders = new URL(other.url);
    intoOrders.pathname = '/orders';
    expect(await login(intoOrders.toString())).toBe('42501');
    expect(await login(url)).toBe('orders_app');
  });
});
