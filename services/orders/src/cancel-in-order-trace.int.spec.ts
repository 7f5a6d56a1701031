import { randomBytes, randomUUID } from 'node:crypto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { EventPublisher, createLogger } from '@orderflow/platform';
import type { RunningService } from '@orderflow/platform/testing';
import { EventPlayer, startServiceForTest } from '@orderflow/platform/testing';
import { eventually, uniqueName } from '@orderflow/testing';
import { Registry } from 'prom-client';
import { startOrders } from './app.js';
import { SagaDeadline } from './features/saga-deadline.js';
import { sagaMetrics } from './features/saga-metrics.js';
import type { OrdersDb } from './infra/database.js';

/**
 * A cancellation belongs to the order's saga (docs/adr/0003): OrderCancelled carries
 * the order's correlation id and continues the order's trace, whoever asked for it.
 * Tracing is on in this process (W3C propagation, spans kept in memory), so the
 * service writes `traceparent` headers as it does in production.
 */
describe('cancelling an order in its own saga', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const prefix = `${uniqueName('orders-cancel')}.`;
  const player = new EventPlayer(prefix);
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest(
      'orders',
      startOrders,
      {
        ADMISSION_CONTROL: false,
        ADMISSION_MIN_IN_FLIGHT: 100,
        ADMISSION_SAMPLE_MS: 250,
        SAGA_DEADLINE_MS: 600_000,
        SAGA_DEADLINE_SCAN_MS: 60_000,
      },
      prefix,
    );
    await player.start('orders');
  });

  afterAll(async () => {
    await player.stop();
    await service?.stop();
    await provider.shutdown();
  });

  /** Places an order; returns its id, its correlation id and its trace (traceresponse). */
  async function place() {
    const correlationId = `corr-order-${randomUUID()}`;
    const res = await fetch(`${service.baseUrl}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Correlation-Id': correlationId,
        authorization: service.authorization,
      },
      body: JSON.stringify({
        customerId: 'c-cancel',
        items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amountMinor: 700, currency: 'EUR' } }],
        shippingAddress: { recipient: 'C', line1: 'L', city: 'C', postalCode: 'P', country: 'PT' },
      }),
    });
    expect(res.status).toBe(201);
    const [, traceId, spanId] = res.headers.get('traceresponse')!.split('-');
    const { orderId } = (await res.json()) as { orderId: string };
    return { orderId, correlationId, traceId: traceId!, requestSpanId: spanId! };
  }

  const published = (orderId: string, type: 'OrderPlaced' | 'OrderCancelled') =>
    eventually(() => {
      const found = player.publishedFor(orderId, type);
      expect(found).toHaveLength(1);
      return found[0]!;
    });
  const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];
  const spanIdOf = (traceparent: string | undefined) => traceparent?.split('-')[2];
  const finished = (find: (span: ReadableSpan) => boolean) =>
    eventually(() => {
      const span = exporter.getFinishedSpans().find(find);
      expect(span).toBeDefined();
      return span!;
    });
  const cancelSpanOf = (orderId: string) =>
    finished((s) => s.name === 'order cancel' && s.attributes['order.id'] === orderId);

  it('at the customer’s request: the order’s correlation id and trace, linked both ways to the request’s trace', async () => {
    const order = await place();
    const clientTraceId = randomBytes(16).toString('hex');
    const cancelCorrelationId = `corr-cancel-${randomUUID()}`;
    const res = await fetch(`${service.baseUrl}/orders/${order.orderId}/cancel`, {
      method: 'POST',
      headers: {
        authorization: service.authorization,
        'X-Correlation-Id': cancelCorrelationId,
        traceparent: `00-${clientTraceId}-${randomBytes(8).toString('hex')}-01`,
      },
    });
    expect(res.status).toBe(200);
    // The request itself stays the caller's: its correlation id and its trace.
    expect(res.headers.get('x-correlation-id')).toBe(cancelCorrelationId);
    expect(traceIdOf(res.headers.get('traceresponse') ?? undefined)).toBe(clientTraceId);

    const placed = await published(order.orderId, 'OrderPlaced');
    const cancelled = await published(order.orderId, 'OrderCancelled');
    expect(cancelled.event.data).toMatchObject({ reason: 'CUSTOMER_REQUEST' });
    expect(cancelled.headers).toMatchObject({
      correlationId: order.correlationId,
      causationId: cancelCorrelationId,
    });
    expect(placed.headers.correlationId).toBe(order.correlationId);
    expect(traceIdOf(placed.headers.traceparent)).toBe(order.traceId);
    expect(traceIdOf(cancelled.headers.traceparent)).toBe(order.traceId);

    // In the order's trace: a span for the cancellation, the child of the request that
    // placed the order, the parent of the publication of OrderCancelled.
    const cancel = await cancelSpanOf(order.orderId);
    expect(cancel.spanContext().traceId).toBe(order.traceId);
    expect(cancel.parentSpanContext?.spanId).toBe(order.requestSpanId);
    const publish = await finished(
      (s) => s.spanContext().spanId === spanIdOf(cancelled.headers.traceparent),
    );
    expect(publish.parentSpanContext?.spanId).toBe(cancel.spanContext().spanId);
    // The cancel request's span (the client's trace) and the cancellation link each other.
    const request = await finished(
      (s) => s.name === 'POST /orders/:orderId/cancel' && s.spanContext().traceId === clientTraceId,
    );
    expect(cancel.links.map((l) => l.context)).toEqual([
      expect.objectContaining(request.spanContext()),
    ]);
    expect(request.links.map((l) => l.context)).toEqual([
      expect.objectContaining(cancel.spanContext()),
    ]);
  });

  it('at the saga deadline: the order’s correlation id and trace as well', async () => {
    const order = await place();
    await published(order.orderId, 'OrderPlaced');
    // A deadline of its own, as the service's would run, one deadline after now.
    const db = service.database.db as OrdersDb;
    const publisher = new EventPublisher(player.serde, '/orderflow/orders');
    const deadline = new SagaDeadline(
      db,
      publisher,
      createLogger({ service: 'orders', level: 'warn' }),
      sagaMetrics(new Registry()),
      { deadlineMs: 1_000, scanEveryMs: 60_000 },
    );
    expect(await deadline.cancelOverdue(new Date(Date.now() + 2_000))).toBeGreaterThanOrEqual(1);

    const cancelled = await published(order.orderId, 'OrderCancelled');
    expect(cancelled.event.data).toMatchObject({ reason: 'TIMEOUT' });
    expect(cancelled.headers).toMatchObject({
      correlationId: order.correlationId,
      causationId: `deadline:${order.orderId}`,
    });
    expect(traceIdOf(cancelled.headers.traceparent)).toBe(order.traceId);
    const cancel = await cancelSpanOf(order.orderId);
    expect(cancel.parentSpanContext?.spanId).toBe(order.requestSpanId);
    expect(cancel.links).toEqual([]);
  });
});
