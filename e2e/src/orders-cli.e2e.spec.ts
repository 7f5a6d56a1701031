import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { eventually, stack, testToken } from '@orderflow/testing';
import type { Saga } from './harness.js';
import { startSaga } from './harness.js';
import { seed } from './saga-world.js';
import { freePort } from '@orderflow/stack';

/**
 * `npm run orders` against the four services as real processes and the stack's Jaeger:
 * what a person types, the exit code and what it prints.
 */
const root = path.resolve(__dirname, '..', '..');
const main = path.join(root, 'tools', 'orders-cli', 'src', 'main.ts');
const reviewThresholdMinor = 100_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let saga: Saga;
let token: string;
const env = () => ({
  ...process.env,
  ORDERS_URL: saga.url.orders,
  ORDERS_TOKEN: token,
  JAEGER_URL: stack.endpoints.jaegerQueryUrl,
});

function orders(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, ...args],
      { cwd: root, env: { ...env(), ...extraEnv }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function placed(args: string[]): Promise<string> {
  const run = await orders(['place', '--json', ...args]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return (JSON.parse(run.stdout) as { orderId: string }).orderId;
}

describe('npm run orders', () => {
  beforeAll(async () => {
    // The services inherit this environment: a span per SQL query, for trace to fold.
    process.env['TRACE_SQL'] = 'true';
    token = await testToken('all');
    saga = await startSaga({ sagaDeadlineMs: 60_000, reviewThresholdMinor });
    await seed(
      saga,
      [{ customerId: 'c-cli', currency: 'EUR', openingMinor: 1_000_000 }],
      [
        { sku: 'SKU-BOOK', opening: 100 },
        { sku: 'SKU-GONE', opening: 0 },
      ],
    );
  });
  afterAll(() => saga?.stop());

  it('places an out-of-stock order, watches it to its end, reads it, lists it and traces it', async () => {
    const orderId = await placed(['--customer', 'c-cli', '--item', 'SKU-GONE:1:2000']);

    const watched = await orders(['watch', orderId, '--timeout', '90']);
    expect(watched).toMatchObject({ code: 0, stderr: '' });
    expect(watched.stdout).toMatch(/\+\d+\.\d{3}s {2}orders +OrderPlaced/);
    expect(watched.stdout).toMatch(/shipping +ShipmentFailed/);
    expect(watched.stdout).toContain('\nCANCELLED (OUT_OF_STOCK: ');

    const got = await orders(['get', orderId, '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({
      orderId,
      status: 'CANCELLED',
      cancellation: { reason: 'OUT_OF_STOCK' },
    });
    const human = await orders(['get', orderId]);
    expect(human.stdout).toContain(`order    ${orderId}  CANCELLED (OUT_OF_STOCK: `);
    expect(human.stdout).toMatch(/payments +PaymentRefunded/);

    const listed = await orders(['list', '--customer', 'c-cli', '--status', 'cancelled', '--json']);
    expect((JSON.parse(listed.stdout) as { orderId: string }[]).map((o) => o.orderId)).toContain(
      orderId,
    );

    // Spans reach Jaeger in batches from four processes: wait for the refund's.
    await eventually(async () => {
      const traced = await orders(['trace', orderId]);
      expect(traced).toMatchObject({ code: 0, stderr: '' });
      expect(traced.stdout).toMatch(/^trace [0-9a-f]{32}: \d+ spans \(\+\d+ SQL\) across /);
      expect(traced.stdout).toMatch(/^ +\+0 µs +[\d.]+ m?s {2}orders: POST \/orders/m);
      expect(traced.stdout).toMatch(/\n +\+.* {4,}payments: .*payments\.events/);
      expect(traced.stdout).toMatch(/\[\d+ SQL spans?, /);
      expect(traced.stdout).not.toMatch(/pg\.query/);
    }, 60_000);
  });

  it('cancels a pending order', async () => {
    const orderId = await placed([
      '--customer',
      'c-cli',
      '--item',
      `SKU-BOOK:10:${reviewThresholdMinor / 10}`,
    ]);
    const cancelled = await orders(['cancel', orderId]);
    expect(cancelled).toMatchObject({
      code: 0,
      stdout: `order ${orderId}: CANCELLED (CUSTOMER_REQUEST)\n`,
    });
  });

  it('follows every new order live', async () => {
    const watcher: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'watch', '--json', '--timeout', '120'],
      { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await eventually(async () => expect(out).toContain('"watching"'), 30_000);
      const orderId = await placed(['--customer', 'c-cli']);
      await eventually(async () => {
        const lines = out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(lines).toContainEqual(expect.objectContaining({ orderId, new: true }));
        expect(lines).toContainEqual(expect.objectContaining({ orderId, status: 'CONFIRMED' }));
      }, 60_000);
    } finally {
      watcher.kill();
    }
  });

  it('fails with one line and a non-zero exit code', async () => {
    const missing = randomUUID();
    expect(await orders(['get', missing])).toEqual({
      code: 1,
      stdout: '',
      stderr: `orders: GET /orders/${missing}: 404 order ${missing} does not exist\n`,
    });
    const invalid = await orders(['place', '--customer', 'c-cli', '--item', 'sku-lower:1']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^orders: POST \/orders: 400 .*\/items\/0\/sku.*\n$/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    expect(await orders(['list'], { ORDERS_URL: closed })).toMatchObject({
      code: 1,
      stderr: `orders: orders API at ${closed} is unreachable (ECONNREFUSED)\n`,
    });
    expect((await orders(['frobnicate'])).code).toBe(2);
    expect((await orders(['get'])).stderr).toBe('orders: which order? give its id\n');
  });
});
