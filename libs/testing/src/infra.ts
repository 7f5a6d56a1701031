import { randomBytes, randomUUID } from 'node:crypto';
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
  /** The stack's superuser on this database: what the test itself reads and writes with. */
  url: string;
  db: Kysely<DB>;
  /**
   * The two roles a service uses, as in production (see docs/adr/0005-database-roles.md):
   * the owner migrates, the runtime role may only read and write rows. Each logs in with
   * a password of its own, which is in these URLs.
   */
  roles: { ownerUrl: string; runtimeUrl: string; owner: string; runtime: string };
  /** Closes the pool, drops the database and its roles. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the stack's Postgres, dropped by `drop()`, owned by a role
 * of its own and open to a second, runtime role (granted nothing yet: the service's
 * migrations grant it), and to no one else.
 */
export async function createTestDatabase<DB>(prefix = 'test'): Promise<TestDatabase<DB>> {
  const name = uniqueName(prefix).toLowerCase();
  const owner = `${name}_owner`;
  const runtime = `${name}_app`;
  const ownerPassword = randomBytes(18).toString('base64url');
  const runtimePassword = randomBytes(18).toString('base64url');
  const admin = new pg.Client({ connectionString: stack.endpoints.postgresUrl });
  await admin.connect();
  try {
    const id = (s: string) => pg.escapeIdentifier(s);
    await admin.query(`create role ${id(owner)} login password ${pg.escapeLiteral(ownerPassword)}`);
    await admin.query(
      `create role ${id(runtime)} login password ${pg.escapeLiteral(runtimePassword)}`,
    );
    await admin.query(`create database ${id(name)} owner ${id(owner)}`);
    await admin.query(`revoke connect, temporary on database ${id(name)} from public`);
    await admin.query(`grant connect on database ${id(name)} to ${id(runtime)}`);
  } finally {
    await admin.end();
  }
  const url = stack.endpoints.postgresUrl.replace(/\/[^/]*$/, `/${name}`);
  const as = (role: string, password: string) => {
    const u = new URL(url);
    u.username = role;
    u.password = password;
    return u.toString();
  };
  const roles = {
    owner,
    runtime,
    ownerUrl: as(owner, ownerPassword),
    runtimeUrl: as(runtime, runtimePassword),
  };
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
    roles,
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
        await client.query(
          `drop role if exists ${pg.escapeIdentifier(owner)}, ${pg.escapeIdentifier(runtime)}`,
        );
      } finally {
        await client.end();
      }
    },
  };
}
