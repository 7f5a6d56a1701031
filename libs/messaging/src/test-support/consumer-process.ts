/**
 * A MessageConsumer as a process of its own, for tests that kill it. With an instance
 * id it records its member id in consumer_instances when it joins its group.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { MessageConsumer } from '../consumer/message-consumer.js';
import type { MessagingTables } from '../types.js';

const env = (name: string) => process.env[name] ?? '';
const db = new Kysely<MessagingTables>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env('DATABASE_URL') }) }),
});
const consumer = new MessageConsumer({
  kafka: new Kafka({
    clientId: 'consumer-process',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  }),
  db,
  groupId: env('CONSUMER_GROUP'),
  topics: [env('CONSUMER_TOPIC')],
  instanceId: env('CONSUMER_INSTANCE'),
  fromBeginning: true,
  consumer: { sessionTimeout: Number(env('CONSUMER_SESSION_MS')) },
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  handler: async () => undefined,
});
void consumer.start();
