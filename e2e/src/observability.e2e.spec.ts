import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EventPlayer } from '@orderflow/platform/testing';
import { eventually, stack } from '@orderflow/testing';
import type { Saga, ServiceName } from './harness.js';
import { services, startSaga } from './harness.js';
import { getOrder, payments, seed } from './saga-world.js';

/**
 * One order = one trace: an out-of-stock order (its compensation included) is
 * followed through Jaeger's query API across the four services, and the services'
 * log lines about it are joined by its correlation id. A customer cancel stays in
 * the order's correlation id and trace (docs/adr/0003).
 */
interface JaegerSpan {
  spanID: string;
  operationName: string;
  startTime: number;
  processID: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** Orders of this much or more wait for review in payments: they can be cancelled. */
const reviewThresholdMinor = 50_000;

describe('tracing and log correlation across the saga', () => {
  let saga: Saga;
  beforeAll(async () => {
    // At debug, each service logs every event it handles: the lines this test joins.
    saga = await startSaga({ sagaDeadlineMs: 60_000, reviewThresholdMinor, logLevel: 'debug' });
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
      headers: {
        'content-type': 'application/json',
        'X-Correlation-Id': correlationId,
        authorization: saga.authorization,
      },
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

  it('keeps a customer cancel in the order’s correlation id and trace, through every service', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const res = await fetch(`${saga.url.orders}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Correlation-Id': correlationId,
        authorization: saga.authorization,
      },
      body: JSON.stringify({
        customerId: 'c-traced',
        items: [
          {
            sku: 'SKU-NONE',
            quantity: 1,
            unitPrice: { amountMinor: reviewThresholdMinor, currency: 'EUR' },
          },
        ],
        shippingAddress: { recipient: 'H', line1: 'L', city: 'C', postalCode: 'P', country: 'PT' },
      }),
    });
    expect(res.status).toBe(201);
    const traceId = res.headers.get('traceresponse')?.split('-')[1];
    const { orderId } = (await res.json()) as { orderId: string };
    await eventually(async () =>
      expect((await payments(saga)).find((p) => p.order_id === orderId)?.status).toBe('HELD'),
    );
    // The customer's client has a trace of its own, and a correlation id of its own.
    const requestTraceId = randomBytes(16).toString('hex');
    const cancel = await fetch(`${saga.url.orders}/orders/${orderId}/cancel`, {
      method: 'POST',
      headers: {
        authorization: saga.authorization,
        'X-Correlation-Id': `corr-cancel-${randomUUID()}`,
        traceparent: `00-${requestTraceId}-${randomBytes(8).toString('hex')}-01`,
      },
    });
    expect(cancel.status).toBe(200);

    // On Kafka: the cancellation and what it caused carry the order's correlation id and trace.
    const players = [new EventPlayer(saga.prefix), new EventPlayer(saga.prefix)];
    await Promise.all([players[0]!.start('orders'), players[1]!.start('notifications')]);
    try {
      const records = await eventually(() => {
        const found = players.flatMap((p) => p.publishedFor(orderId));
        expect(found.map((r) => r.event.type).sort()).toEqual([
          'NotificationSent',
          'OrderCancelled',
          'OrderPlaced',
        ]);
        return found;
      }, 30_000);
      for (const { event, headers } of records) {
        expect({ event: event.type, correlationId: headers.correlationId }).toEqual({
          event: event.type,
          correlationId,
        });
        expect({ event: event.type, trace: headers.traceparent?.split('-')[1] }).toEqual({
          event: event.type,
          trace: traceId,
        });
      }
    } finally {
      await Promise.all(players.map((p) => p.stop()));
    }

    // In Jaeger: one trace with one root, the cancellation in it, and every service's
    // handling of OrderCancelled under it; the cancellation links to the cancel request.
    const topic = (service: ServiceName) => `${saga.prefix}${service}.events`;
    await eventually(
      async () => {
        const trace = await fetchTrace(traceId!);
        const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
        const name = (s: JaegerSpan) =>
          `${trace.processes[s.processID]?.serviceName} ${s.operationName}`;
        const parentOf = (s: JaegerSpan) =>
          byId.get(s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '');
        expect(trace.spans.filter((s) => !parentOf(s)).map(name)).toEqual(['orders POST /orders']);
        const [cancelled] = trace.spans.filter((s) => name(s) === 'orders order cancel');
        expect(cancelled && name(parentOf(cancelled)!)).toBe('orders POST /orders');
        expect(cancelled!.references).toContainEqual(
          expect.objectContaining({ refType: 'FOLLOWS_FROM', traceID: requestTraceId }),
        );
        const underCancel = (s: JaegerSpan): boolean =>
          s === cancelled || (parentOf(s) !== undefined && underCancel(parentOf(s)!));
        expect(trace.spans.filter(underCancel).map(name)).toEqual(
          expect.arrayContaining([
            `orders ${topic('orders')} publish`,
            `payments ${topic('orders')} process`,
            `shipping ${topic('orders')} process`,
            `notifications ${topic('orders')} process`,
            'notifications smtp send',
            `notifications ${topic('notifications')} publish`,
          ]),
        );
      },
      30_000,
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
