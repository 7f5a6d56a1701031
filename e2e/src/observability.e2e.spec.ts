import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually, stack } from '@orderflow/testing';
import type { Saga, ServiceName } from './harness.js';
import { services, startSaga } from './harness.js';
import { getOrder, seed } from './saga-world.js';

/**
 * One order = one trace: an out-of-stock order (its compensation included) is
 * followed through Jaeger's query API across the four services, and the services'
 * log lines about it are joined by its correlation id.
 */
interface JaegerSpan {
  spanID: string;
  operationName: string;
  startTime: number;
  processID: string;
  references: { refType: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

describe('tracing and log correlation across the saga', () => {
  let saga: Saga;
  beforeAll(async () => {
    // At debug, each service logs every event it handles: the lines this test joins.
    saga = await startSaga({ sagaDeadlineMs: 60_000, logLevel: 'debug' });
    await seed(
      saga,
      [{ customerId: 'c-traced', currency: 'EUR', openingMinor: 100_000 }],
      [{ sku: 'SKU-NONE', opening: 0 }],
    );
  });
  afterAll(() => saga?.stop());

  it('follows an out-of-stock order, refund included, as one trace in causal order, and joins its logs', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const res = await fetch(`${saga.url.orders}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Correlation-Id': correlationId },
      body: JSON.stringify({
        customerId: 'c-traced',
        items: [
          { sku: 'SKU-NONE', quantity: 1, unitPrice: { amountMinor: 1_000, currency: 'EUR' } },
        ],
        shippingAddress: { recipient: 'T', line1: 'L', city: 'C', postalCode: 'P', country: 'PT' },
      }),
    });
    expect(res.status).toBe(201);
    const traceId = res.headers.get('traceresponse')?.split('-')[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const { orderId } = (await res.json()) as { orderId: string };
    await eventually(
      async () => expect((await getOrder(saga, orderId)).status).toBe('CANCELLED'),
      60_000,
    );

    const topic = (service: ServiceName) => `${saga.prefix}${service}.events`;
    // Spans arrive in batches from four processes: check the whole trace until it is complete.
    await eventually(
      async () => {
        const trace = await fetchTrace(traceId!);
        const names = trace.spans.map(
          (s) => `${trace.processes[s.processID]?.serviceName} ${s.operationName}`,
        );
        // The whole saga is there: the refund's effect reached orders, the e-mail went out.
        expect(names).toEqual(
          expect.arrayContaining([
            `orders ${topic('shipping')} process`,
            `notifications ${topic('orders')} process`,
            'notifications smtp send',
            `notifications ${topic('notifications')} publish`,
          ]),
        );
        const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
        const serviceOf = (s: JaegerSpan) => trace.processes[s.processID]?.serviceName;
        const parentOf = (s: JaegerSpan) =>
          byId.get(s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '');
        const roots = trace.spans.filter((s) => !parentOf(s));
        // One trace, one root: the POST /orders request.
        expect(roots.map((s) => `${serviceOf(s)} ${s.operationName}`)).toEqual([
          'orders POST /orders',
        ]);
        expect(new Set(trace.spans.map(serviceOf))).toEqual(new Set(services));

        // Causal order: every consume span is the child of a publish span of the same topic
        // in another service, and starts after it.
        const consumes = trace.spans.filter((s) => s.operationName.endsWith(' process'));
        expect(consumes.length).toBeGreaterThanOrEqual(6);
        for (const consume of consumes) {
          const publish = parentOf(consume)!;
          expect(publish.operationName).toBe(
            consume.operationName.replace(/ process$/, ' publish'),
          );
          expect(serviceOf(publish)).not.toBe(serviceOf(consume));
          expect(consume.startTime).toBeGreaterThanOrEqual(publish.startTime);
        }
        // The compensation path: shipping's ShipmentFailed (caused by payments' authorization,
        // caused by orders' OrderPlaced) makes payments publish the refund.
        const chain = (s: JaegerSpan | undefined): string[] =>
          s ? [...chain(parentOf(s)), `${serviceOf(s)} ${s.operationName}`] : [];
        const refunds = trace.spans.filter(
          (s) =>
            serviceOf(s) === 'payments' &&
            s.operationName === `${topic('payments')} publish` &&
            chain(s).includes(`payments ${topic('shipping')} process`),
        );
        expect(refunds).toHaveLength(1);
        expect(chain(refunds[0])).toEqual([
          'orders POST /orders',
          `orders ${topic('orders')} publish`,
          `payments ${topic('orders')} process`,
          `payments ${topic('payments')} publish`,
          `shipping ${topic('payments')} process`,
          `shipping ${topic('shipping')} publish`,
          `payments ${topic('shipping')} process`,
          `payments ${topic('payments')} publish`,
        ]);
        // Spans about the order say which order.
        const tagged = consumes.filter((s) =>
          s.tags.some((t) => t.key === 'order.id' && t.value === orderId),
        );
        expect(tagged).toHaveLength(consumes.length);
      },
      30_000,
      500,
    );

    // Logs: every service wrote lines about this order (at debug, one per event it
    // handled), each with its correlation id, the order id and the trace id.
    await eventually(
      async () => {
        for (const service of services) {
          const lines = (await readFile(path.join(saga.logDir, `${service}.log`), 'utf8'))
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, unknown>)
            .filter((l) => l['correlation_id'] === correlationId);
          expect({ service, lines: lines.length > 0 }).toEqual({ service, lines: true });
          for (const line of lines)
            expect(line).toMatchObject({ service, order_id: orderId, trace_id: traceId });
        }
      },
      15_000,
      500,
    );
  });
});

async function fetchTrace(traceId: string): Promise<JaegerTrace> {
  const res = await fetch(`${stack.endpoints.jaegerQueryUrl}/api/traces/${traceId}`);
  if (!res.ok) throw new Error(`Jaeger answered ${res.status} for trace ${traceId}`);
  const { data } = (await res.json()) as { data: JaegerTrace[] };
  if (!data[0]) throw new Error(`trace ${traceId} not found`);
  return data[0];
}
