import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually, stack } from '@orderflow/testing';
import { sql } from 'kysely';
import type { Saga } from './harness.js';
import { services, startSaga } from './harness.js';
import { getOrder, orderRequest, placeOrder, seed } from './saga-world.js';
import { freePort } from '@orderflow/stack';

/**
 * No secret of a run reaches a log line or an HTTP answer: the database roles'
 * passwords, the bearer token, any password or token in the environment, nor a
 * connection string with credentials. The run goes through the paths most likely to
 * print one: the saga itself, a running service whose database refuses connections
 * (5xx answers, lost connections, reconnects), and a service that cannot reach its
 * database at start-up.
 */
const root = path.resolve(__dirname, '..', '..');
const credentialsInUrl = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"]*:(?!\*\*\*@)[^\s/?#@"]+@/i;

const order = (customerId: string) => orderRequest(customerId, 'SKU-PEN', 1, 250);

describe('secrets in a run', () => {
  let saga: Saga | undefined;
  afterAll(() => saga?.stop());

  it('appear in no log line and no HTTP answer', async () => {
    saga = await startSaga({ sagaDeadlineMs: 4_000 });
    const run = saga;
    await seed(
      run,
      [{ customerId: 'c-secret', currency: 'EUR', openingMinor: 100_000 }],
      [{ sku: 'SKU-PEN', opening: 100 }],
    );
    const settled = (orderId: string) =>
      eventually(
        async () => expect((await getOrder(run, orderId)).status).toBe('CONFIRMED'),
        60_000,
        200,
      );

    // The saga, a few times over.
    const placed = await Promise.all([1, 2, 3].map(() => placeOrder(run, order('c-secret'))));
    expect(placed.map((p) => p.status)).toEqual([201, 201, 201]);
    await Promise.all(placed.map((p) => settled(p.orderId)));

    // The orders database refuses the service's connections: requests fail with 500.
    const ordersDb = run.db.orders;
    const refuse = async (limit: number) => {
      await sql`alter database ${sql.id(ordersDb.name)} connection limit ${sql.lit(limit)}`.execute(
        ordersDb.db,
      );
      await sql`
        select pg_terminate_backend(pid) from pg_stat_activity
         where datname = ${ordersDb.name} and usename = ${ordersDb.roles.runtime}`.execute(
        ordersDb.db,
      );
    };
    await refuse(0);
    const failed = await eventually(
      async () => {
        const res = await fetch(`${run.url.orders}/orders/${placed[0]?.orderId}`, {
          headers: { authorization: run.authorization },
        });
        expect(res.status).toBe(500);
        return { type: res.headers.get('content-type'), body: await res.text() };
      },
      30_000,
      200,
    );
    expect(failed.type).toMatch(/^application\/problem\+json/);
    await sql`alter database ${sql.id(ordersDb.name)} connection limit -1`.execute(ordersDb.db);
    await eventually(
      async () => expect((await fetch(`${run.url.orders}/readyz`)).status).toBe(200),
      30_000,
      200,
    );
    const after = await placeOrder(run, order('c-secret'));
    expect(after.status).toBe(201);
    await settled(after.orderId);

    // A service that cannot reach its database at start-up (nothing listens there).
    const unreachable = {
      runtime: `runtime-${randomSecret()}`,
      owner: `owner-${randomSecret()}`,
    };
    const exit = await startWithoutDatabase(run, unreachable);
    expect(exit).toBe(1);

    await run.stop();
    saga = undefined;

    const secrets = [
      ...services.flatMap((s) => [
        new URL(run.db[s].roles.runtimeUrl).password,
        new URL(run.db[s].roles.ownerUrl).password,
      ]),
      run.authorization.replace(/^Bearer /, ''),
      unreachable.runtime,
      unreachable.owner,
      ...environmentSecrets(),
    ];
    expect(secrets.every((s) => s.length >= 8)).toBe(true);
    const logs = await readLogs(run.logDir);
    // The paths above were logged: the scan reads lines about them.
    expect(logs['orders.log']).toContain('request failed');
    expect(logs['orders.log']).toContain('database connection lost');
    expect(logs['payments-without-database.log']).toContain('ECONNREFUSED');
    const leaks = Object.entries({ ...logs, 'the 500 answer': failed.body }).flatMap(
      ([where, text]) => [
        ...secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 4)}…`),
        // Named by scheme and user only: the report must not print the password either.
        ...(credentialsInUrl.test(text)
          ? [`${where}: ${credentialsInUrl.exec(text)?.[0].replace(/:[^:@]*@$/, ':…@')}`]
          : []),
      ],
    );
    expect(leaks).toEqual([]);
  }, 240_000);
});

function randomSecret(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Values of the run's environment that are secrets by name, and the contents of the
 * secret files it names (KAFKA_SASL_PASSWORD_FILE, say).
 */
function environmentSecrets(): string[] {
  const named = Object.entries(process.env).filter(([name]) => /PASSWORD|SECRET|TOKEN/i.test(name));
  return named
    .map(([name, value = '']) =>
      name.endsWith('_FILE') && existsSync(value) ? readFileSync(value, 'utf8').trim() : value,
    )
    .filter((value) => value.length >= 8);
}

/** payments, pointed at a port nothing listens on; resolves to its exit code. */
async function startWithoutDatabase(
  saga: Saga,
  passwords: { runtime: string; owner: string },
): Promise<number | null> {
  const port = await freePort();
  const url = (role: string, password: string) =>
    `postgres://${role}:${password}@127.0.0.1:${port}/payments`;
  const log = createWriteStream(path.join(saga.logDir, 'payments-without-database.log'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'services', 'payments', 'src', 'main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '1',
        AUTH_DISABLED: 'true',
        KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.endpoints.registryUrl,
        KAFKA_TOPIC_PREFIX: saga.prefix,
        DATABASE_URL: url('payments_app', passwords.runtime),
        DATABASE_MIGRATION_URL: url('payments', passwords.owner),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise((resolve) => log.end(resolve));
  return code;
}

async function readLogs(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.log'));
  return Object.fromEntries(
    await Promise.all(
      names.map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')] as const),
    ),
  );
}
