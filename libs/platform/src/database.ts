import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely';
import pg from 'pg';

/** A Kysely instance over a pg pool; the caller owns it and destroys it on shutdown. */
export function createDatabase<DB>(options: {
  url: string;
  poolMax?: number;
  applicationName: string;
}) {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName,
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Migrations given as an object keyed by sortable names, applied in one run. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Readiness probe: the database answers a query. */
export async function databaseAnswers(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db);
  return rows[0]?.ok === 1;
}
