/**
 * An outbox relay as a process of its own, for tests that kill it. Prints a JSON
 * status line whenever its leadership or published count changes.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { OutboxRelay } from '../outbox/relay.js';
import type { MessagingTables } from '../types.js';

const url = process.env.DATABASE_URL ?? '';
const crash = process.env.RELAY_CRASH_POINT;
const registry = new Registry();
const db = new Kysely<MessagingTables>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
});
const relay = new OutboxRelay({
  db,
  connection: { connectionString: url },
  kafka: new Kafka({
    clientId: 'relay-process',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  }),
  service: process.env.RELAY_SERVICE ?? 'test',
  registry,
  batchSize: 50,
  pollIntervalMs: 200,
  hooks: {
    beforeSend: crash === 'before-send' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
    afterSend: crash === 'after-send' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  },
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
});
relay.start();

let last = '';
const report = async () => {
  const metric = await registry.getSingleMetric('outbox_published_messages_total')?.get();
  const published = metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
  const line = JSON.stringify({ leader: relay.isLeader, published });
  if (line !== last) console.log(line);
  last = line;
};
const timer = setInterval(() => void report(), 50);

process.on('SIGTERM', () => {
  clearInterval(timer);
  void relay
    .stop()
    .then(() => db.destroy())
    .then(() => process.exit(0));
});
