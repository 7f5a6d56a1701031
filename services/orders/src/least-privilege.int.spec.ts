import { migrateMessaging } from '@orderflow/messaging';
import { migrateDatabase } from '@orderflow/platform';
import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import type { TestDatabase } from '@orderflow/testing';
import { createTestDatabase, eventually, uniqueName } from '@orderflow/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { startOrders } from './app.js';

/**
 * The orders service migrates as its database's owner and runs as a runtime role that
 * may read and write rows and nothing else: no DDL, no change to the event store, no
 * other service's database. Checked on the real schema, as the service leaves it.
 */
describe('orders database roles', () => {
  let service: RunningService;
  let other: TestDatabase<unknown>;
  const clients: pg.Client[] = [];

  const connect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  /** The Postgres error code of a statement, or 'ok'. */
  const outcome = (client: pg.Client, statement: string) =>
    client.query(statement).then(
      () => 'ok',
      (error: unknown) => (error as { code?: string }).code,
    );

  beforeAll(async () => {
    service = await startServiceForTest(
      'orders',
      startOrders,
      {
        ADMISSION_CONTROL: false,
        ADMISSION_MIN_IN_FLIGHT: 100,
        ADMISSION_SAMPLE_MS: 250,
        SAGA_DEADLINE_MS: 600_000,
        SAGA_DEADLINE_SCAN_MS: 1_000,
      },
      `${uniqueName('roles')}.`,
    );
    // Another service's database, set up the same way.
    other = await createTestDatabase('payments');
    await migrateDatabase({
      url: other.roles.runtimeUrl,
      migrationUrl: other.roles.ownerUrl,
      applicationName: 'roles-test',
      migrate: async (db) => void (await migrateMessaging(db)),
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await service?.stop();
    await other?.drop();
  });

  it('runs the service as the runtime role, which is no owner and no superuser', async () => {
    const { runtime } = service.database.roles;
    await eventually(async () => {
      const { rows } = await sql<{ usename: string }>`
        select usename from pg_stat_activity
         where datname = ${service.database.name} and application_name = 'orders'`.execute(
        service.database.db,
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.usename))).toEqual(new Set([runtime]));
    });
    const client = await connect(service.database.roles.runtimeUrl);
    const { rows } = await client.query<{ owner: string; superuser: boolean }>(
      `select pg_get_userbyid(d.datdba) as owner, r.rolsuper as superuser
         from pg_database d, pg_roles r
        where d.datname = current_database() and r.rolname = current_user`,
    );
    expect(rows[0]).toEqual({ owner: service.database.roles.owner, superuser: false });
  });

  it('reads and writes rows, and draws from the sequences', async () => {
    const client = await connect(service.database.roles.runtimeUrl);
    await client.query('begin');
    try {
      await client.query(
        `insert into events (stream_id, version, event_id, type, data)
         values ('order-roles', 1, gen_random_uuid(), 'OrderPlaced', '{}')`,
      );
      await client.query(
        `insert into outbox (topic, key, value) values ('t', 'order-roles', null)`,
      );
      await client.query(`update outbox set key = 'k' where topic = 't'`);
      await client.query(`delete from outbox where topic = 't'`);
      await client.query(`delete from idempotency_keys where key = 'none'`);
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from events where stream_id = 'order-roles'`,
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await client.query('rollback');
    }
  });

  it('changes no schema: every DDL statement is refused', async () => {
    const client = await connect(service.database.roles.runtimeUrl);
    const ddl = [
      'create table intruder (id int)',
      'create temporary table intruder (id int)',
      'create schema intruder',
      'create index intruder on orders_view (customer_id)',
      'create function intruder() returns int language sql as $$ select 1 $$',
      'alter table orders_view add column intruder int',
      'alter table events disable trigger all',
      'drop table events',
      'drop table orders_view',
      'truncate outbox',
    ];
    const outcomes: Record<string, string | undefined> = {};
    for (const statement of ddl) outcomes[statement] = await outcome(client, statement);
    expect(outcomes).toEqual(Object.fromEntries(ddl.map((s) => [s, '42501'])));
  });

  it('only appends to the event store: no UPDATE, no DELETE', async () => {
    const client = await connect(service.database.roles.runtimeUrl);
    expect(await outcome(client, `update events set type = 'Rewritten'`)).toBe('42501');
    expect(await outcome(client, 'delete from events')).toBe('42501');
    expect(await outcome(client, 'select count(*) from events')).toBe('ok');
  });

  it('cannot read the migration history', async () => {
    const client = await connect(service.database.roles.runtimeUrl);
    expect(await outcome(client, 'select * from kysely_migration')).toBe('42501');
    expect(await outcome(client, 'delete from messaging_migration')).toBe('42501');
  });

  it("cannot connect to another service's database, nor that service's role to this one", async () => {
    const refusal = async (url: string, database: string) => {
      const target = new URL(url);
      target.pathname = `/${database}`;
      const client = new pg.Client({ connectionString: target.toString() });
      client.on('error', () => undefined);
      const error = await client.connect().then(
        () => client.end().then(() => undefined),
        (e: unknown) => e as { code?: string; message: string },
      );
      return error && { code: error.code, message: error.message };
    };
    const denied = (database: string) => ({
      code: '42501',
      message: `permission denied for database "${database}"`,
    });
    expect(await refusal(service.database.roles.runtimeUrl, other.name)).toEqual(
      denied(other.name),
    );
    expect(await refusal(other.roles.runtimeUrl, service.database.name)).toEqual(
      denied(service.database.name),
    );
    // Its own database is open to it: the refusals above are about the database.
    expect(await refusal(other.roles.runtimeUrl, other.name)).toBeUndefined();
  });
});
