import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { StackEndpoints } from './stack.js';

/** A fresh database on the stack's Postgres, with a small pool for the bench's own queries. */
export interface BenchDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Closes the pool and drops the database (connections of stopped services included). */
  drop(): Promise<void>;
}

export async function adminQuery<R extends pg.QueryResultRow>(
  stack: StackEndpoints,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: stack.postgresUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export function databaseUrl(stack: StackEndpoints, name: string): string {
  return stack.postgresUrl.replace(/\/[^/]*$/, `/${name}`);
}

/** Creates `name` (lower-case letters, digits and _), optionally from a template database. */
export async function createDatabase(
  stack: StackEndpoints,
  name: string,
  template?: string,
): Promise<BenchDatabase> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await adminQuery(stack, `create database "${name}"${template ? ` template "${template}"` : ''}`);
  return openDatabase(stack, name);
}

export function openDatabase(stack: StackEndpoints, name: string): BenchDatabase {
  const url = databaseUrl(stack, name);
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'bench' });
  // A backend terminated by the drop must not crash the bench through an idle client.
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    name,
    url,
    pool,
    async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      return (await pool.query<R>(text, values)).rows;
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => undefined);
      // pool.end() resolves before its backends exit; give them a moment, then force.
      for (let i = 0; i < 20; i++) {
        const [row] = await adminQuery<{ n: number }>(
          stack,
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (row?.n === 0) break;
        await sleep(100);
      }
      await adminQuery(stack, `drop database if exists "${name}" with (force)`);
    },
  };
}

export async function serverVersion(stack: StackEndpoints): Promise<string> {
  const [row] = await adminQuery<{ v: string }>(
    stack,
    "select current_setting('server_version') as v",
  );
  return row?.v ?? 'unknown';
}
