import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Log } from '../log.js';
import { heartbeat } from '../log.js';
import type { Catalog } from '../orders.js';
import { customerId, skuOf } from '../orders.js';
import { benchAuth } from './auth.js';
import type { Cleanup } from './cleanup.js';
import type { BenchDatabase } from './databases.js';
import { createDatabase } from './databases.js';
import type { ServiceName } from './services.js';
import { ServiceProcess, serviceNames } from './services.js';
import type { StackEndpoints } from './stack.js';

export interface SagaOptions {
  root: string;
  stack: StackEndpoints;
  cleanup: Cleanup;
  /** Unique per bench run and saga: names the databases, topics and log folder. */
  id: string;
  tracing: boolean;
  catalog: Catalog;
  log: Log;
}

/** The four services of one run: own databases, own topic prefix, seeded data. */
export interface Saga {
  id: string;
  prefix: string;
  tracing: boolean;
  services: Record<ServiceName, ServiceProcess>;
  db: Record<ServiceName, BenchDatabase>;
  ordersUrl: string;
  /** The Authorization header of every request to the orders API. */
  authorization: string;
  logDir: string;
  stop(): Promise<void>;
}

export async function startSaga(options: SagaOptions): Promise<Saga> {
  const { stack, id, log } = options;
  const prefix = `${id}.`;
  const logDir = path.join(stack.stateDir, 'logs', 'bench', id);
  const db = {} as Record<ServiceName, BenchDatabase>;
  const services = {} as Record<ServiceName, ServiceProcess>;
  const stopAll = async () => {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await Promise.all(Object.values(db).map((d) => d.drop()));
    await deleteTopics(stack, prefix);
  };
  const stop = options.cleanup.add(`saga ${id}`, stopAll);
  await mkdir(logDir, { recursive: true });
  // Valid for longer than any bench run.
  const auth = await benchAuth(logDir, 24 * 3_600);
  try {
    for (const name of serviceNames) db[name] = await createDatabase(stack, `${id}_${name}`);
    for (const name of serviceNames) {
      services[name] = new ServiceProcess({
        name,
        root: options.root,
        stack,
        databaseUrl: db[name].url,
        prefix,
        tracing: options.tracing,
        logDir,
        env: auth.env,
      });
    }
    const started = Date.now();
    log(
      `starting the four services (${options.tracing ? 'tracing on' : 'tracing off'}; logs in ${logDir})`,
    );
    await Promise.all(serviceNames.map((name) => services[name].start()));
    const ready = new Set<ServiceName>();
    const stopBeat = heartbeat(log, () => `waiting for /readyz: ${ready.size}/4 ready`);
    try {
      await Promise.all(
        serviceNames.map((name) => services[name].waitReady().then(() => ready.add(name))),
      );
    } finally {
      stopBeat();
    }
    log(`services ready after ${((Date.now() - started) / 1000).toFixed(1)} s; seeding`);
    await seed(db, options.catalog);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    id,
    prefix,
    tracing: options.tracing,
    services,
    db,
    ordersUrl: services.orders.url,
    authorization: auth.authorization,
    logDir,
    stop,
  };
}

/**
 * Accounts with balances no run can exhaust and SKUs with stock no run can sell out,
 * written straight into the services' tables once they have migrated them.
 */
export async function seed(
  db: Record<ServiceName, BenchDatabase>,
  catalog: Catalog,
): Promise<void> {
  const customers = Array.from({ length: catalog.customers }, (_, i) => customerId(i));
  const skus = Array.from({ length: catalog.skus }, (_, i) => skuOf(i));
  await db.payments.query(
    `insert into accounts (customer_id, currency, opening_balance_minor, balance_minor)
     select c, 'EUR', 1000000000000000, 1000000000000000 from unnest($1::text[]) as c
     on conflict (customer_id) do nothing`,
    [customers],
  );
  await db.shipping.query(
    `insert into stock (sku, available, reserved, opening_available)
     select s, 1000000000, 0, 1000000000 from unnest($1::text[]) as s
     on conflict (sku) do nothing`,
    [skus],
  );
}

/** Best effort: the run's topics go with its databases. */
export async function deleteTopics(stack: StackEndpoints, prefix: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'orderflow-bench',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // leftovers expire with the broker's retention
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
