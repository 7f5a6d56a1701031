import type { QueryExecutorProvider } from 'kysely';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely';
import pg from 'pg';

/**
 * A Kysely instance over a pg pool; the caller owns it and destroys it on shutdown.
 * A database restart costs retries, not the process: see `survivePoolErrors`.
 */
export function createDatabase<DB>(options: {
  url: string;
  poolMax?: number;
  applicationName: string;
  /** Told once per pooled connection that broke (Postgres restarted, say). */
  onConnectionLost?: (error: Error) => void;
}) {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName,
    // Fail a connection attempt that gets no answer, rather than wait on it for ever.
    connectionTimeoutMillis: 10_000,
  });
  survivePoolErrors(pool, options.onConnectionLost ?? (() => undefined));
  pool.on('connect', prepareStatements);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Runs the statements of a fixed shape as named prepared statements, so Postgres
 * parses and plans each once per connection rather than on every call: the services
 * repeat a few dozen statements all day, and planning them cost the database about a
 * quarter of its CPU (pgbench of the services' transactions: +30% with prepared
 * statements). Only data statements with few parameters are named: a statement whose
 * text changes with its row count (a multi-row VALUES list) would pile up prepared
 * statements on the connection.
 */
function prepareStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `s${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  (client as { query: unknown }).query = (config: unknown, values?: unknown, done?: unknown) =>
    typeof config === 'string' &&
    Array.isArray(values) &&
    values.length <= 32 &&
    (names.has(config) || names.size < 500) &&
    /^\s*(select|insert|update|delete|with)\b/i.test(config)
      ? query({ name: nameOf(config), text: config, values }, done)
      : query(config, values, done);
}

/**
 * pg reports a broken connection as an 'error' event on its client, which the pool
 * re-emits on itself while the client is idle, and an 'error' event that nobody
 * listens to crashes the process. A fast shutdown or restart of Postgres breaks
 * every connection at once ("terminating connection due to administrator command").
 * Nothing is lost by listening: an idle client has already left the pool, and for a
 * checked-out one the query in flight (or the next) fails and `release` discards the
 * client; the next checkout opens a new connection.
 */
function survivePoolErrors(pool: pg.Pool, onConnectionLost: (error: Error) => void): void {
  pool.on('error', () => undefined); // already reported by the client's listener below
  pool.on('connect', (client) => {
    let reported = false;
    // A broken connection emits twice: the server's message, then the closed socket.
    client.on('error', (error) => {
      if (reported) return;
      reported = true;
      onConnectionLost(error);
    });
  });
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
export async function databaseAnswers(db: QueryExecutorProvider): Promise<boolean> {
  const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db);
  return rows[0]?.ok === 1;
}
