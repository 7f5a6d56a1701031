import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Component } from '../component.js';
import { componentPaths } from '../component.js';
import type { StackConfig } from '../config.js';
import { runStep, which } from '../process.js';
import { StackError } from '../progress.js';
import { waitUntil } from '../readiness.js';

/**
 * A private PostgreSQL cluster from the distribution's packages, on its own port and
 * socket directory. Postgres refuses to run as root, so under root it runs as the
 * `postgres` system user that the package creates. The cluster listens on 127.0.0.1
 * only and holds throw-away development data: its superuser `orderflow` (the stack,
 * the tests' own connections) is trusted there; every other role, the services' among
 * them, logs in with its password (SCRAM). Clusters made before this rule trust every
 * role until they are made anew.
 */
export function postgres(config: StackConfig): Component {
  const paths = componentPaths(config, 'postgres');
  const dataDir = path.join(paths.dir, 'data');
  const socketDir = path.join(paths.dir, 'socket');
  const { host, ports } = config;
  let bin: string | undefined;
  const binDir = () => (bin ??= findBinDir());
  const asOwner = (command: string, args: string[]) => runAs(command, args);

  return {
    name: 'postgres',
    endpoint: config.endpoints.postgresUrl,
    startTimeoutMs: 30_000,

    provision: async () => {
      binDir();
    },

    async prepare() {
      mkdirSync(socketDir, { recursive: true, mode: 0o755 });
      const owner = serverUser();
      if (owner) {
        chownSync(paths.dir, owner.uid, owner.gid);
        chownSync(socketDir, owner.uid, owner.gid);
      }
      if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
      const [command, args] = asOwner(path.join(binDir(), 'initdb'), [
        '-D',
        dataDir,
        '-U',
        'orderflow',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
      ]);
      await runStep('postgres', 'initialising a new cluster', command, args, {
        logFile: paths.logFile,
      });
      // Overwritten in place: the file keeps the owner and mode initdb gave it.
      writeFileSync(path.join(dataDir, 'pg_hba.conf'), hostBasedAuthentication);
    },

    get daemon() {
      const [command, args] = asOwner(path.join(binDir(), 'postgres'), [
        '-D',
        dataDir,
        '-p',
        String(ports.postgres),
        '-k',
        socketDir,
        '-c',
        `listen_addresses=${host}`,
        '-c',
        'max_connections=300',
        '-c',
        'shared_buffers=256MB',
        // Per-statement counts and times (pg_stat_statements), for profiling the services.
        '-c',
        'shared_preload_libraries=pg_stat_statements',
      ]);
      return {
        name: 'postgres',
        command,
        args,
        pidFile: paths.pidFile,
        logFile: paths.logFile,
        marker: dataDir,
        stopSignal: 'SIGINT' as const,
      };
    },

    async ready() {
      const result = await withClient(config, (client) =>
        client.query<{ ok: number }>('select 1 as ok'),
      );
      return result.rows[0]?.ok === 1;
    },
  };
}

const hostBasedAuthentication = `# Written by the orderflow stack (tools/stack/src/components/postgres.ts).
# The stack's superuser is trusted on loopback and the socket; every other role
# logs in with its password.
local   all             orderflow                               trust
host    all             orderflow       127.0.0.1/32            trust
local   replication     orderflow                               trust
host    replication     orderflow       127.0.0.1/32            trust
local   all             all                                     scram-sha-256
host    all             all             127.0.0.1/32            scram-sha-256
`;

/**
 * Creates a database in the stack's cluster unless it exists, once the cluster
 * answers (it may have been started a moment ago, or may still be starting).
 */
export async function ensureDatabase(
  config: StackConfig,
  name: string,
  options: { timeoutMs: number; requiredBy: string },
): Promise<void> {
  await waitUntil(`postgres (for ${options.requiredBy})`, () => postgres(config).ready(), {
    timeoutMs: options.timeoutMs,
    isAlive: () => true,
    logFile: componentPaths(config, 'postgres').logFile,
  });
  await withClient(config, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return;
    // Two callers can race here; the loser's duplicate_database error means it exists.
    await client.query(`create database ${pg.escapeIdentifier(name)}`).catch((error: unknown) => {
      if ((error as { code?: string }).code !== '42P04') throw error;
    });
  });
}

/** The two roles of a service's database (see docs/adr/0005-database-roles.md). */
export function serviceRoles(service: string) {
  return { owner: service, runtime: `${service}_app` };
}

/**
 * Where the stack keeps the passwords of the services' database roles: generated at the
 * first `up`, one file per role, readable by its owner only.
 */
export function databaseSecretsDir(config: StackConfig): string {
  return path.join(config.stateDir, 'secrets', 'postgres');
}

function rolePassword(config: StackConfig, role: string): string {
  const dir = databaseSecretsDir(config);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = path.join(dir, `${role}.password`);
  if (!existsSync(file)) {
    // base64url: nothing that needs escaping in a connection URL.
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

/** A service's two connection URLs: DATABASE_URL (runtime role) and DATABASE_MIGRATION_URL (owner). */
export function serviceDatabaseUrls(config: StackConfig, service: string, database: string) {
  const roles = serviceRoles(service);
  const as = (role: string) => {
    const url = new URL(config.endpoints.postgresUrl);
    url.username = role;
    url.password = rolePassword(config, role);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return { url: as(roles.runtime), migrationUrl: as(roles.owner) };
}

/**
 * A service's database, owned by its owner role and open to its runtime role alone
 * (CONNECT revoked from PUBLIC). The service's migrations grant the runtime role its
 * table privileges; the owner changes the schema, nobody else does.
 */
export async function ensureServiceDatabase(
  config: StackConfig,
  service: string,
  database: string,
): Promise<void> {
  const { owner, runtime } = serviceRoles(service);
  await withClient(
    config,
    async (client) => {
      for (const role of [owner, runtime]) {
        const found = await client.query('select 1 from pg_roles where rolname = $1', [role]);
        const password = pg.escapeLiteral(rolePassword(config, role));
        await client.query(
          `${found.rowCount ? 'alter' : 'create'} role ${pg.escapeIdentifier(role)} login password ${password}`,
        );
      }
      const found = await client.query('select 1 from pg_database where datname = $1', [database]);
      const db = pg.escapeIdentifier(database);
      if (!found.rowCount)
        await client.query(`create database ${db} owner ${pg.escapeIdentifier(owner)}`);
      await client.query(`revoke connect, temporary on database ${db} from public`);
      await client.query(`grant connect on database ${db} to ${pg.escapeIdentifier(runtime)}`);
    },
    10_000,
  );
}

async function withClient<T>(
  config: StackConfig,
  fn: (client: pg.Client) => Promise<T>,
  connectionTimeoutMillis = 1_000,
): Promise<T> {
  const client = new pg.Client({
    connectionString: config.endpoints.postgresUrl,
    connectionTimeoutMillis,
  });
  // A probe racing a restart fails; it must not crash the process with an uncaught 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The newest server under /usr/lib/postgresql, or the one on PATH. */
function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return path.join(root, majors[0], 'bin');
  }
  const onPath = which('postgres');
  if (onPath && which('initdb')) return path.dirname(onPath);
  throw new StackError(
    'no PostgreSQL server found. Install PostgreSQL 13 or newer (Debian: apt-get install postgresql), then run the command again.',
  );
}

function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new StackError(
      'running as root, and there is no `postgres` user to run the database as. Install the distribution package (apt-get install postgresql), which creates it, or run the stack as a normal user.',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Under root, wraps a command so that it execs as `postgres` (same pid, no extra parent). */
function runAs(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return [
    'setpriv',
    ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args],
  ];
}
