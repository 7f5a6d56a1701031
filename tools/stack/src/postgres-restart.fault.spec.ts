import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { postgres } from './components/postgres.js';
import { loadStackConfig } from './config.js';
import { readPid, stopDaemon } from './process.js';
import { commandLineOf } from './process-table.js';
import { up } from './stack.js';
import { eventually } from './test-support/eventually.js';
import type { PrivateService } from './test-support/private-service.js';
import { privateService } from './test-support/private-service.js';

/**
 * A Postgres restart must cost a service retries, not its process: with the stack's
 * Postgres stopped under it (a fast shutdown, as `pg_ctl restart -m fast` does, and a
 * SIGKILLed postmaster), the orders service stays up, reports not ready while the
 * database is away, and takes and publishes orders again once it is back.
 */
describe('a service across a Postgres restart', () => {
  const stack = loadStackConfig();
  const database = postgres(stack);
  let orders: PrivateService;
  let pid: number;

  beforeAll(async () => {
    orders = await privateService('orders');
    pid = await orders.start();
  });
  afterAll(async () => {
    await up(stack, ['postgres']); // whatever happened, leave the shared stack running
    await orders.dispose();
  });

  it('survives a fast shutdown and restart (connections terminated by administrator command)', async () => {
    expect((await placeOrder(orders)).status).toBe(201);
    // SIGINT to the postmaster is Postgres' fast shutdown, what `pg_ctl -m fast` sends.
    try {
      await stopDaemon(database.daemon);
      await untilReadiness(orders, pid, 503);
    } finally {
      await up(stack, ['postgres']);
    }
    await recovered(orders, pid);
  });

  it('survives a SIGKILLed postmaster started again by the stack', async () => {
    const postmaster = readPid(database.daemon);
    expect(postmaster).toBeDefined();
    try {
      process.kill(postmaster!, 'SIGKILL');
      await untilReadiness(orders, pid, 503);
    } finally {
      // Until the old backends have noticed and exited, a new postmaster refuses the
      // data directory (shared memory still in use) and exits: try again until it stays.
      await eventually(() => up(stack, ['postgres']), 120_000, 500);
    }
    await recovered(orders, pid);
  });
});

/** Same process, ready again, takes an order and its relay publishes it. */
async function recovered(service: PrivateService, pid: number): Promise<void> {
  await untilReadiness(service, pid, 200);
  expect(readPid(service.component.daemon)).toBe(pid);
  const placed = await placeOrder(service);
  expect(placed.status).toBe(201);
  const prefix = service.component.daemon.env?.['KAFKA_TOPIC_PREFIX'] ?? '';
  await expect(published(`${prefix}orders.events`, placed.orderId)).resolves.toBe(true);
}

/** Waits until /readyz answers `status`; fails at once, with its log, if the process died. */
async function untilReadiness(service: PrivateService, pid: number, status: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!commandLineOf(pid)?.includes(service.component.daemon.marker)) {
      const log = readFileSync(service.component.daemon.logFile, 'utf8').slice(-3_000);
      throw new Error(`${service.name} (pid ${pid}) exited; its log ends with:\n${log}`);
    }
    let answer: number | string;
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      answer = response.status;
    } catch (error) {
      answer = String(error);
    }
    if (answer === status) return;
    if (Date.now() > deadline) throw new Error(`/readyz still answers ${answer}, not ${status}`);
    await sleep(200);
  }
}

async function placeOrder(service: PrivateService): Promise<{ status: number; orderId: string }> {
  const response = await fetch(`${service.url}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
      authorization: await service.authorization(),
    },
    body: JSON.stringify({
      customerId: 'c-ada',
      items: [{ sku: 'SKU-BOOK', quantity: 1, unitPrice: { amountMinor: 1250, currency: 'EUR' } }],
      shippingAddress: {
        recipient: 'Ada',
        line1: '1 Loop Rd',
        city: 'Lisbon',
        postalCode: '1000-001',
        country: 'PT',
      },
    }),
  });
  const body = (await response.json()) as { orderId?: string };
  return { status: response.status, orderId: body.orderId ?? '' };
}

/** True once a record keyed by `key` is on the topic (the outbox relay published it). */
async function published(topic: string, key: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'postgres-restart-test',
    brokers: loadStackConfig().endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `postgres-restart-${randomUUID()}` });
  let seen = false;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === key) seen = true;
      },
    });
    await eventually(() => expect(seen).toBe(true), 60_000, 200);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
