import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { createDatabase } from './database.js';

/**
 * Tables the runtime role may read and append to, never change: the event store is
 * the history of record.
 */
export const appendOnlyTables: readonly string[] = ['events'];

/** Migration bookkeeping (Kysely's and the messaging library's): the owner's alone. */
const ownerOnlyTables: readonly string[] = [
  'kysely_migration',
  'kysely_migration_lock',
  'messaging_migration',
  'messaging_migration_lock',
];

/** Runs a service's migrations against a database, as whichever role it is given. */
export type Migrate = (db: Kysely<unknown>) => Promise<void>;

/** The role a connection URL logs in as; undefined when the URL names none. */
export function roleOf(url: string): string | undefined {
  const user = new URL(url).username;
  return user === '' ? undefined : decodeURIComponent(user);
}

/**
 * Migrates as the owner of the database (`migrationUrl`) and then grants the role of
 * `url`, the one the service runs as, exactly what the service needs on the tables that
 * exist now. With no `migrationUrl` the one role does both: it owns the database (a
 * development set-up, see docs/adr/0005-database-roles.md).
 */
export async function migrateDatabase(options: {
  url: string;
  migrationUrl: string | undefined;
  applicationName: string;
  migrate: Migrate;
}): Promise<void> {
  const { url, migrationUrl, applicationName, migrate } = options;
  const runtimeRole = roleOf(url);
  const db = createDatabase<unknown>({
    url: migrationUrl ?? url,
    poolMax: 1,
    applicationName: `${applicationName}-migrate`,
  });
  try {
    await migrate(db);
    if (migrationUrl === undefined || runtimeRole === undefined) return;
    if (runtimeRole === roleOf(migrationUrl)) return;
    await grantRuntimeAccess(db, runtimeRole);
  } finally {
    await db.destroy();
  }
}

/**
 * Run by the owner after every migration, in one transaction: the runtime role may
 * connect to this database (and PUBLIC no longer may), use the schema without creating
 * in it, read and write every table but the append-only ones (read and insert) and the
 * migration history (nothing), and draw from the sequences. Everything it held before
 * is revoked first, so the grants are exactly these, whatever an earlier version
 * granted. DDL stays with the owner: ALTER, DROP and TRUNCATE are never granted.
 */
export async function grantRuntimeAccess(owner: Kysely<unknown>, role: string): Promise<void> {
  const runtime = sql.id(role);
  await owner.transaction().execute(async (trx) => {
    // Replicas starting together would otherwise grant at once, and Postgres fails one
    // of two concurrent GRANTs on an object ("tuple concurrently updated").
    await sql`select pg_advisory_xact_lock(hashtextextended('orderflow_grants', 0))`.execute(trx);
    const { rows } = await sql<{ database: string }>`
      select current_database() as database`.execute(trx);
    const database = sql.id(rows[0]?.database ?? '');
    await sql`revoke connect, temporary on database ${database} from public`.execute(trx);
    await sql`grant connect on database ${database} to ${runtime}`.execute(trx);
    await sql`revoke create on schema public from public`.execute(trx);
    await sql`revoke all on schema public from ${runtime}`.execute(trx);
    await sql`grant usage on schema public to ${runtime}`.execute(trx);
    await sql`revoke all on all tables in schema public from ${runtime}`.execute(trx);
    await sql`revoke all on all sequences in schema public from ${runtime}`.execute(trx);
    const tables = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(trx);
    for (const { name } of tables.rows) {
      if (ownerOnlyTables.includes(name)) continue;
      const table = sql.table(name);
      await (
        appendOnlyTables.includes(name)
          ? sql`grant select, insert on ${table} to ${runtime}`
          : sql`grant select, insert, update, delete on ${table} to ${runtime}`
      ).execute(trx);
    }
    await sql`grant usage on all sequences in schema public to ${runtime}`.execute(trx);
  });
}
