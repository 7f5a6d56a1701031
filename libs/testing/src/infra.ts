import { randomUUID } from 'node:crypto';
import { ensureTopics } from '@orderflow/kafka-admin';
import { Kafka, logLevel } from 'kafkajs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { loadStackConfig } from '@orderflow/stack';

/** The running stack's endpoints, for tests. */
export const stack = loadStackConfig();

/** A short unique suffix, so that tests sharing the stack never share a topic or database. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function testKafka(clientId = uniqueName('test')): Kafka {
  return new Kafka({ clientId, brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.WARN });
}

/** Creates topics and waits until they have leaders. */
export function createTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  return ensureTopics(kafka, topics, numPartitions, 1);
}

export interface TestDatabase<DB> {
  name: string;
  url: string;
  db: Kysely<DB>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, empty database on the stack's Postgres, dropped by `drop()`. */
export async function createTestDatabase<DB>(prefix = 'test'): Promise<TestDatabase<DB>> {
  const name = uniqueName(prefix).toLowerCase();
  const admin = new pg.Client({ connectionString: stack.endpoints.postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = stack.endpoints.postgresUrl.replace(/\/[^/]*$/, `/${name}`);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A fault test restarts Postgres under this pool: the 'error' events of its broken
  // clients must not crash the test process. The query in flight fails; the pool drops
  // the client and the next query reconnects (see createDatabase in libs/platform).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy();
      const client = new pg.Client({ connectionString: stack.endpoints.postgresUrl });
      await client.connect();
      try {
        // pg's pool.end() resolves before its backends have exited; forcing the drop at
        // once would terminate them mid-exit and their clients would raise unhandled
        // 'error' events in the test that is running. Give them a moment first.
        for (let i = 0; i < 50; i++) {
          const { rows } = await client.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if (rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
