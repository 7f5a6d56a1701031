import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { eventually, stack, testToken } from '@orderflow/testing';
import type { Saga } from './harness.js';
import { startSaga } from './harness.js';
import { orderRequest, seed } from './saga-world.js';
import { freePort } from '@orderflow/stack';

/**
 * The saga console in headless Chromium, against the four services as real processes:
 * an order placed through the API appears in the live list, reaches its final state
 * there without a reload, and opens as a timeline with its trace; an out-of-stock
 * order shows its refund as a compensation. Events open to their data, the customer
 * filter asks the orders API. The pages pass an axe-core check, and the
 * screenshots are kept in e2e/artifacts/console.
 */
const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'e2e', 'artifacts', 'console');
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let saga: Saga;
let token: string;
let consoleUrl: string;
let server: ChildProcess;
let browser: Browser;
let page: Page;

async function placeOrder(customerId: string, sku: string, unitPriceMinor: number) {
  const res = await fetch(`${saga.url.orders}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(orderRequest(customerId, sku, 1, unitPriceMinor)),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

/** No WCAG A/AA violation that axe-core can find on the page as it is now. */
async function expectAccessible(): Promise<void> {
  await page.addScriptTag({
    content: await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'),
  });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<AxeResults> } })
      .axe;
    const results = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
  expect(violations).toEqual([]);
}
interface AxeResults {
  violations: { id: string; nodes: { target: string[] }[] }[];
}

describe('the saga console in a browser', () => {
  beforeAll(async () => {
    token = await testToken('all');
    // The services inherit this environment: a span per SQL query, for the waterfall to fold.
    process.env['TRACE_SQL'] = 'true';
    saga = await startSaga({ sagaDeadlineMs: 60_000 });
    await seed(
      saga,
      [{ customerId: 'c-ada', currency: 'EUR', openingMinor: 1_000_000 }],
      [
        { sku: 'SKU-BOOK', opening: 100 },
        { sku: 'SKU-GONE', opening: 0 },
      ],
    );
    const port = await freePort();
    consoleUrl = `http://127.0.0.1:${port}`;
    const log = createWriteStream(path.join(saga.logDir, 'console.log'));
    server = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'apps', 'console', 'src', 'main.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          CONSOLE_PORT: String(port),
          ORDERS_URL: saga.url.orders,
          PAYMENTS_URL: saga.url.payments,
          SHIPPING_URL: saga.url.shipping,
          NOTIFICATIONS_URL: saga.url.notifications,
          JAEGER_QUERY_URL: stack.endpoints.jaegerQueryUrl,
          MAIL_API_URL: stack.endpoints.mailApiUrl,
          KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: saga.prefix,
          SERVICES_TOKEN: token,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    server.stdout?.pipe(log);
    server.stderr?.pipe(log);
    await eventually(
      async () => expect((await fetch(`${consoleUrl}/healthz`)).status).toBe(200),
      60_000,
    );
    await mkdir(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath });
    // The page's CSP allows no inline script; axe-core is injected as one.
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  });

  afterAll(async () => {
    await browser?.close();
    server?.kill();
    await saga?.stop();
  });

  it('lists a new order live, follows it to CONFIRMED, and opens its timeline and trace', async () => {
    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Recent orders' }).waitFor();
    const orderId = await placeOrder('c-ada', 'SKU-BOOK', 1_250);

    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor({ timeout: 30_000 });
    // The page is not reloaded: the new status arrives over server-sent events.
    await row.getByText('CONFIRMED').waitFor({ timeout: 60_000 });
    await page.getByLabel('Status').selectOption('CANCELLED');
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Status').selectOption('');
    await row.waitFor();
    // The customer filter is the orders API's: the page asks it for that customer's orders.
    const customer = page.getByRole('searchbox', { name: 'Customer' });
    const asked = page.waitForRequest((r) =>
      r.url().includes('/api/orders/events?customerId=c-nobody'),
    );
    await customer.fill('c-nobody');
    await asked;
    await row.waitFor({ state: 'detached' });
    await customer.fill('c-ada');
    await row.waitFor();
    await customer.fill('');
    await row.waitFor();
    await expectAccessible();
    await page.screenshot({ path: path.join(artifacts, 'list.png') });

    await row.getByRole('link').click();
    await page.locator('button.event[data-type="OrderConfirmed"]').waitFor({ timeout: 30_000 });
    const lanes = await page.locator('table.swimlanes thead th').allTextContents();
    expect(lanes).toEqual(['Since placement', 'orders', 'payments', 'shipping', 'notifications']);
    // Each event sits in the lane of the service that sent it.
    const payments = page.locator(
      'table.swimlanes tbody tr[data-lane="payments"] td:nth-child(3) button',
    );
    // An event of orders opens to its data; Escape closes it and returns to the event.
    const placed = page.locator('button.event[data-type="OrderPlaced"]');
    await placed.click();
    expect(await placed.getAttribute('aria-expanded')).toBe('true');
    const data = page.locator('#payload pre');
    await data.filter({ hasText: `"orderId": "${orderId}"` }).waitFor();
    expect(await data.textContent()).toContain('"sku": "SKU-BOOK"');
    await data.focus();
    await page.keyboard.press('Escape');
    await page.locator('#payload').waitFor({ state: 'hidden' });
    await page.locator('button.event[data-type="OrderPlaced"]:focus').waitFor();
    expect(await placed.getAttribute('aria-expanded')).toBe('false');
    // Another service's event opens, from the keyboard, to what its read API says.
    await payments.filter({ hasText: 'PaymentAuthorized' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#payload').getByText('/orderflow/payments').waitFor();
    await data.filter({ hasText: `"orderId": "${orderId}"` }).waitFor();
    expect(await data.textContent()).toContain('"paymentId"');
    await page.locator('#payload').getByText(`GET /payments/${orderId} answered 200`).waitFor();
    // Spans reach Jaeger in batches: the waterfall fills in as they arrive.
    await page
      .locator('#trace li')
      .filter({ hasText: 'notifications:' })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.locator('#mail h3').filter({ hasText: 'is confirmed' }).waitFor({ timeout: 30_000 });
    await page.locator('#dead-letters').getByText('None').waitFor({ timeout: 60_000 });
    await expectAccessible();
    await page.screenshot({ path: path.join(artifacts, 'timeline-confirmed.png'), fullPage: true });
  });

  it('marks the refund of an out-of-stock order as a compensation', async () => {
    const orderId = await placeOrder('c-ada', 'SKU-GONE', 2_000);
    await page.goto(`${consoleUrl}/#/orders/${orderId}`);
    const refund = page.locator('button.event[data-type="PaymentRefunded"]');
    await refund.waitFor({ timeout: 60_000 });
    expect(await refund.locator('.badge').textContent()).toBe('compensation: refund');
    await page
      .locator('button.event[data-type="OrderCancelled"] .badge')
      .filter({ hasText: 'compensation: cancellation' })
      .waitFor();
    await page.locator('#order-status').getByText('CANCELLED (OUT_OF_STOCK)').waitFor();
    await page
      .locator('#trace li')
      .filter({ hasText: 'payments:' })
      .first()
      .waitFor({ timeout: 60_000 });
    await expectAccessible();
    await page.screenshot({
      path: path.join(artifacts, 'timeline-out-of-stock.png'),
      fullPage: true,
    });
  });
});
