import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../log.js';
import { heartbeat } from '../log.js';
import type { Cleanup } from './cleanup.js';
import type { BenchDatabase } from './databases.js';
import { createDatabase } from './databases.js';
import { deleteTopics } from './saga.js';
import { ServiceProcess } from './services.js';
import type { StackEndpoints } from './stack.js';

/**
 * An orders database migrated by the measured checkout's own orders service (started
 * once, then stopped), kept as a template: the relay and projection scenarios each copy
 * it instead of paying for another service start-up.
 */
export async function createOrdersTemplate(
  stack: StackEndpoints,
  cleanup: Cleanup,
  root: string,
  runId: string,
  log: Log,
): Promise<string> {
  const name = `${runId}_tpl_orders`;
  const prefix = `${runId}_tpl.`;
  const db = await createDatabase(stack, name);
  cleanup.add('orders template database', async () => {
    await db.drop();
    await deleteTopics(stack, prefix);
  });
  const orders = new ServiceProcess({
    name: 'orders',
    root,
    stack,
    databaseUrl: db.url,
    prefix,
    tracing: false,
    logDir: path.join(stack.stateDir, 'logs', 'bench', name),
    // It takes no HTTP requests: it only runs its migrations for the template.
    env: { AUTH_DISABLED: 'true' },
  });
  await orders.start();
  const stopBeat = heartbeat(
    log,
    () => 'waiting for the orders service to migrate and become ready',
  );
  try {
    await orders.waitReady();
  } finally {
    stopBeat();
    await orders.stop();
  }
  return name;
}

/** A copy of the template (retried: Postgres refuses while the template's last backend exits). */
export async function copyOfTemplate(
  stack: StackEndpoints,
  template: string,
  name: string,
): Promise<BenchDatabase> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createDatabase(stack, name, template);
    } catch (error) {
      if (attempt >= 40 || !/being accessed by other users/.test(String(error))) throw error;
      await sleep(250);
    }
  }
}
