import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { TestDatabase } from '@orderflow/testing';
import { createTestDatabase, eventually, stack, uniqueName } from '@orderflow/testing';
import { createDatabase, databaseAnswers } from './database.js';

/**
 * pg_terminate_backend ends a connection exactly as a fast shutdown or restart of
 * Postgres ends all of them ("terminating connection due to administrator command"),
 * without stopping the Postgres that other tests share.
 */
describe('the service database pool when Postgres drops its connections', () => {
  let database: TestDatabase<unknown>;
  let db: Kysely<unknown>;
  let applicationName: string;
  const lost: Error[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('pool');
    applicationName = uniqueName('pool');
    lost.length = 0;
    db = createDatabase({
      url: database.url,
      poolMax: 2,
      applicationName,
      onConnectionLost: (error) => lost.push(error),
    });
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  it('reports an idle connection that the server terminated and opens a new one', async () => {
    const first = await backendPid(db);
    expect(await terminate(applicationName)).toBe(1);

    await eventually(() => expect(lost.map((e) => e.message)).toEqual([adminShutdown]));
    expect(await databaseAnswers(db)).toBe(true);
    expect(await backendPid(db)).not.toBe(first);
  });

  it('fails only the transaction whose connection broke, and goes on', async () => {
    const failed = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      expect(await terminate(applicationName)).toBe(1);
      // Between two statements the client is checked out and no query is in flight.
      await eventually(() => expect(lost).toHaveLength(1));
      await sql`select 1`.execute(trx);
    });

    await expect(failed).rejects.toThrow();
    expect(lost.map((e) => e.message)).toEqual([adminShutdown]);
    expect(await databaseAnswers(db)).toBe(true);
  });
});

const adminShutdown = 'terminating connection due to administrator command';

async function backendPid(db: Kysely<unknown>): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return rows[0]!.pid;
}

/** Terminates every connection of `applicationName`; returns how many it ended. */
async function terminate(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: stack.endpoints.postgresUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: boolean }>(
      'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return rows.filter((r) => r.ended).length;
  } finally {
    await admin.end();
  }
}
