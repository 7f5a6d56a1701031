/**
 * npm run demo [-- --once]
 *
 * Brings up the stack and the four services, places one order per saga scenario
 * through the orders API, and prints how each one ended: its final state, the
 * events of its saga in order and the e-mail it produced. With --once the exit code
 * says whether every scenario ended as expected.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadStackConfig } from './config.js';
import { allScopes, devIssuer } from './dev-auth.js';
import { StackError } from './progress.js';
import { componentNames, up } from './stack.js';

interface Scenario {
  name: string;
  customerId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  /** Cancel through the API right after placing (the order is held for review, so it is pending). */
  cancel?: boolean;
  expect: { status: 'CONFIRMED' | 'CANCELLED'; reason?: string };
}

// The demo data the stack seeds: accounts in payments, stock in shipping. Orders of
// 1,000.00 EUR or more wait for manual review in payments, which keeps them pending.
const scenarios: Scenario[] = [
  {
    name: 'happy path',
    customerId: 'c-ada',
    sku: 'SKU-BOOK',
    quantity: 2,
    unitPriceMinor: 1250,
    expect: { status: 'CONFIRMED' },
  },
  {
    name: 'payment declined',
    customerId: 'c-bob',
    sku: 'SKU-MUG',
    quantity: 1,
    unitPriceMinor: 1500,
    expect: { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' },
  },
  {
    name: 'out of stock (refund)',
    customerId: 'c-grace',
    sku: 'SKU-GONE',
    quantity: 1,
    unitPriceMinor: 2000,
    expect: { status: 'CANCELLED', reason: 'OUT_OF_STOCK' },
  },
  {
    name: 'customer cancel',
    customerId: 'c-ada',
    sku: 'SKU-BOOK',
    quantity: 100,
    unitPriceMinor: 1250,
    cancel: true,
    expect: { status: 'CANCELLED', reason: 'CUSTOMER_REQUEST' },
  },
  {
    name: 'saga deadline',
    customerId: 'c-grace',
    sku: 'SKU-MUG',
    quantity: 80,
    unitPriceMinor: 1500,
    expect: { status: 'CANCELLED', reason: 'TIMEOUT' },
  },
];

interface Order {
  orderId: string;
  status: string;
  cancellation: { reason: string; detail: string | null } | null;
  history: { type: string; source: string; occurredAt: string }[];
}

async function main(once: boolean): Promise<number> {
  const config = loadStackConfig();
  await up(config, componentNames);
  const api = config.endpoints.ordersUrl;
  const deadline = config.demo.sagaDeadlineMs + 30_000;
  // The demo acts for several customers at once: a back-office token with every scope.
  const token = await (await devIssuer(config)).mint({ scopes: allScopes, subject: 'demo' });
  const authorization = `Bearer ${token}`;

  console.log(`\nPlacing ${scenarios.length} orders at ${api}/orders …`);
  const placed = await Promise.all(scenarios.map((s) => place(api, authorization, s)));
  const results = await Promise.all(
    placed.map(({ scenario, orderId, traceId }) =>
      settle(api, authorization, orderId, deadline).then((order) => ({ scenario, order, traceId })),
    ),
  );

  let wrong = 0;
  for (const { scenario, order, traceId } of results) {
    const ok =
      order.status === scenario.expect.status &&
      (order.cancellation?.reason ?? undefined) === scenario.expect.reason;
    if (!ok) wrong += 1;
    const mails = await mailsFor(config.endpoints.mailApiUrl, order.orderId);
    const outcome = order.cancellation
      ? `${order.status} (${order.cancellation.reason})`
      : order.status;
    console.log(
      `\n${ok ? '✓' : '✗'} ${scenario.name}: order ${order.orderId} ${outcome}${ok ? '' : `, expected ${scenario.expect.status} ${scenario.expect.reason ?? ''}`}`,
    );
    for (const step of order.history)
      console.log(`    ${step.occurredAt}  ${step.source.padEnd(24)} ${step.type}`);
    console.log(`    trace:   ${await describeTrace(config.endpoints.jaegerQueryUrl, traceId)}`);
    console.log(
      `    e-mails: ${mails.length === 0 ? 'none' : mails.map((m) => `"${m.Subject}" to ${m.To.map((t) => t.Address).join(', ')}`).join('; ')}`,
    );
  }
  console.log(
    `\n${scenarios.length - wrong} of ${scenarios.length} scenarios ended as expected.` +
      `\nFollow them in the saga console: ${config.endpoints.consoleUrl}` +
      `\nThe stack keeps running: ${api}/orders, mail at ${config.endpoints.mailApiUrl}/api/v1/messages, traces at ${config.endpoints.jaegerQueryUrl}.` +
      "\nThe API wants a bearer token from the stack's dev issuer, for example:" +
      '\n  export TOKEN=$(npm run -s token -- --scope orders:read,orders:write --customer c-ada)' +
      `\n  curl -H "Authorization: Bearer $TOKEN" ${api}/orders` +
      '\nStop it with: npm run stack -- down',
  );
  return once && wrong > 0 ? 1 : 0;
}

async function place(api: string, authorization: string, s: Scenario) {
  const res = await fetch(`${api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({
      customerId: s.customerId,
      items: [
        {
          sku: s.sku,
          quantity: s.quantity,
          unitPrice: { amountMinor: s.unitPriceMinor, currency: 'EUR' },
        },
      ],
      shippingAddress: {
        recipient: s.customerId,
        line1: '1 Demo Street',
        city: 'Lisbon',
        postalCode: '1000-001',
        country: 'PT',
      },
    }),
  });
  if (res.status !== 201)
    throw new StackError(`placing the ${s.name} order failed: ${res.status} ${await res.text()}`);
  const { orderId } = (await res.json()) as { orderId: string };
  // W3C traceresponse: 00-<trace id>-<span id>-<flags>
  const traceId = res.headers.get('traceresponse')?.split('-')[1];
  if (s.cancel) {
    const cancel = await fetch(`${api}/orders/${orderId}/cancel`, {
      method: 'POST',
      headers: { authorization },
    });
    if (!cancel.ok)
      throw new StackError(
        `cancelling the ${s.name} order failed: ${cancel.status} ${await cancel.text()}`,
      );
  }
  return { scenario: s, orderId, traceId };
}

/** Polls until the order is terminal and its saga quiet (no new history for a moment). */
async function settle(
  api: string,
  authorization: string,
  orderId: string,
  timeoutMs: number,
): Promise<Order> {
  const until = Date.now() + timeoutMs;
  let last: Order | undefined;
  let quietSince = Date.now();
  while (Date.now() < until) {
    const res = await fetch(`${api}/orders/${orderId}`, { headers: { authorization } });
    const order = (await res.json()) as Order;
    if (order.history.length !== last?.history.length) quietSince = Date.now();
    last = order;
    if (order.status !== 'PENDING' && Date.now() - quietSince > 1_500) return order;
    await sleep(250);
  }
  if (!last) throw new StackError(`order ${orderId} could not be read`);
  return last;
}

/** The trace's span count and services, from Jaeger's query API. */
async function describeTrace(jaeger: string, traceId: string | undefined): Promise<string> {
  if (!traceId) return 'none (tracing is off)';
  const res = await fetch(`${jaeger}/api/traces/${traceId}`).catch(() => undefined);
  if (!res?.ok) return `${traceId} (not in Jaeger yet)`;
  const { data } = (await res.json()) as {
    data: { spans: unknown[]; processes: Record<string, { serviceName: string }> }[];
  };
  const trace = data[0];
  if (!trace) return `${traceId} (not in Jaeger yet)`;
  const services = [...new Set(Object.values(trace.processes).map((p) => p.serviceName))];
  return `${traceId} (${trace.spans.length} spans across ${services.join(', ')}) ${jaeger}/api/traces/${traceId}`;
}

async function mailsFor(mailApi: string, orderId: string) {
  const res = await fetch(`${mailApi}/api/v1/messages`);
  const { messages } = (await res.json()) as {
    messages: { MessageID: string; Subject: string; To: { Address: string }[] }[];
  };
  return messages.filter((m) => m.MessageID.startsWith(orderId));
}

main(process.argv.includes('--once')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof StackError ? `demo: ${error.message}` : error);
    process.exit(1);
  },
);
