import { spawn } from 'node:child_process';
import { run } from './run.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expandScript } from '../pgbench.js';
import { adminQuery } from './databases.js';
import type { StackEndpoints } from './stack.js';

/** The client tools of the server's major version (pgbench, pg_dump, psql). */
export async function postgresBinDir(stack: StackEndpoints): Promise<string> {
  const [row] = await adminQuery<{ v: string }>(
    stack,
    "select current_setting('server_version_num') as v",
  );
  const major = String(Math.floor(Number(row?.v ?? 0) / 10_000));
  const root = '/usr/lib/postgresql';
  if (existsSync(path.join(root, major, 'bin', 'pgbench'))) return path.join(root, major, 'bin');
  const newest = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'pgbench')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (newest) return path.join(root, newest, 'bin');
  throw new Error(
    'pgbench not found under /usr/lib/postgresql (Debian: apt-get install postgresql)',
  );
}

/** Copies a database's schema (no data) into another: pg_dump --schema-only | psql. */
export async function copySchema(
  stack: StackEndpoints,
  bin: string,
  from: string,
  to: string,
): Promise<void> {
  const common = ['-h', stack.host, '-p', String(stack.postgresPort), '-U', 'orderflow'];
  const dump = spawn(path.join(bin, 'pg_dump'), [...common, '--schema-only', '--no-owner', from], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await run(path.join(bin, 'psql'), [...common, '-q', '-v', 'ON_ERROR_STOP=1', '-d', to], {
    stdin: dump.stdout,
  });
}

/**
 * One service's pgbench script: its folder's files in name order, includes expanded,
 * `{{batch}}` (the orders one run of the script handles) replaced, repeats copied.
 */
export function serviceScript(scriptsDir: string, service: string, batch: number): string {
  const dir = path.join(scriptsDir, service);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const read = (rel: string) => readFileSync(path.join(scriptsDir, rel), 'utf8');
  const globals = { batch: String(batch) };
  return files
    .map(
      (f) =>
        `-- ===== ${service}/${f}\n${expandScript(read(path.join(service, f)), read, globals)}`,
    )
    .join('\n');
}
