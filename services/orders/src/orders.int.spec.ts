import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventType } from '@orderflow/events';
import type { RunningService } from '@orderflow/platform/testing';
import { EventPlayer, startServiceForTest } from '@orderflow/platform/testing';
import { eventually, uniqueName } from '@orderflow/testing';
import { rebuildProjection } from '@orderflow/messaging';
import type { Kysely } from 'kysely';
import { startOrders } from './app.js';
import type { OrdersDatabase } from './infra/database.js';
import { ordersView } from './projections/orders-view.js';

const admissionDefaults = {
  ADMISSION_CONTROL: true,
  ADMISSION_MIN_IN_FLIGHT: 100,
  ADMISSION_SAMPLE_MS: 250,
};

/**
 * The orders service in-process against real Postgres, Kafka and the registry. The
 * other services are played by the test: it reads orders.events and writes the
 * payments and shipping events they would write.
 */
describe('orders service', () => {
  const prefix = `${uniqueName('orders')}.`;
  const player = new EventPlayer(prefix);
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest(
      'orders',
      startOrders,
      { ...admissionDefaults, SAGA_DEADLINE_MS: 600_000, SAGA_DEADLINE_SCAN_MS: 200 },
      prefix,
    );
    await player.start('orders');
  });

  afterAll(async () => {
    await player.stop();
    await service?.stop();
  });

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: service.authorization,
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const get = async (path: string) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      headers: { authorization: service.authorization },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const published = (orderId: string, type: EventType) => player.publishedFor(orderId, type);
  const send = <K extends EventType>(
    type: K,
    data: EventDataMap[K] & { orderId: string },
    correlationId: string,
  ) => player.send({ type, data, correlationId });

  const order = {
    customerId: 'c-ada',
    items: [
      { sku: 'SKU-1', quantity: 2, unitPrice: { amountMinor: 1250, currency: 'EUR' } },
      { sku: 'SKU-2', quantity: 1, unitPrice: { amountMinor: 500, currency: 'EUR' } },
    ],
    shippingAddress: {
      recipient: 'Ada',
      line1: '1 Loop Rd',
      city: 'Lisbon',
      postalCode: '1000-001',
      country: 'PT',
    },
  };

  it('places an order, publishes OrderPlaced with CloudEvents headers, and confirms it when payment and shipment arrive', async () => {
    const res = await post('/orders', order, { 'X-Correlation-Id': 'corr-happy-1' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe('corr-happy-1');
    const placed = (await res.json()) as { orderId: string; status: string; total: unknown };
    expect(placed).toMatchObject({
      status: 'PENDING',
      total: { amountMinor: 3000, currency: 'EUR' },
    });
    expect(res.headers.get('location')).toBe(`/orders/${placed.orderId}`);

    const [message] = await eventually(() => {
      const found = published(placed.orderId, 'OrderPlaced');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(message!.key).toBe(placed.orderId);
    expect(message!.headers).toMatchObject({
      type: 'orderflow.orders.OrderPlaced',
      source: '/orderflow/orders',
      subject: placed.orderId,
      correlationId: 'corr-happy-1',
      specVersion: '1.0',
    });
    expect(message!.event.data).toMatchObject({
      customerId: 'c-ada',
      total: { amountMinor: 3000, currency: 'EUR' },
    });

    await send(
      'PaymentAuthorized',
      {
        orderId: placed.orderId,
        paymentId: 'p-1',
        customerId: 'c-ada',
        amount: { amountMinor: 3000, currency: 'EUR' },
      },
      'corr-happy-1',
    );
    await send(
      'ShipmentScheduled',
      {
        orderId: placed.orderId,
        shipmentId: 's-1',
        items: [{ sku: 'SKU-1', quantity: 2 }],
        carrier: 'post',
        eta: new Date(),
      },
      'corr-happy-1',
    );

    const confirmed = await eventually(async () => {
      const found = published(placed.orderId, 'OrderConfirmed');
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(confirmed.event.data).toMatchObject({ paymentId: 'p-1', shipmentId: 's-1' });
    expect(confirmed.headers.correlationId).toBe('corr-happy-1');

    const { body } = await get(`/orders/${placed.orderId}`);
    expect(body).toMatchObject({ status: 'CONFIRMED', paymentId: 'p-1', shipmentId: 's-1' });
    const history = (body['history'] as { type: string; source: string }[]).map(
      (h) => `${h.source} ${h.type}`,
    );
    expect(history).toEqual(
      expect.arrayContaining([
        '/orderflow/orders OrderPlaced',
        '/test PaymentAuthorized',
        '/test ShipmentScheduled',
        '/orderflow/orders OrderConfirmed',
      ]),
    );
    expect(history).toHaveLength(4);
    // Orders' own events carry their data; the others' are kept without theirs.
    const steps = body['history'] as { type: string; data: Record<string, unknown> | null }[];
    const dataOf = (type: string) => steps.find((s) => s.type === type)?.data;
    expect(dataOf('OrderPlaced')).toMatchObject({
      orderId: placed.orderId,
      customerId: 'c-ada',
      total: { amountMinor: 3000, currency: 'EUR' },
      items: [
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-2', quantity: 1 },
      ],
    });
    expect(dataOf('OrderConfirmed')).toMatchObject({ paymentId: 'p-1', shipmentId: 's-1' });
    expect(dataOf('PaymentAuthorized')).toBeNull();
    expect(dataOf('ShipmentScheduled')).toBeNull();
  });

  it('cancels on a declined payment, and ignores a late shipment', async () => {
    const placed = (await (await post('/orders', order)).json()) as { orderId: string };
    await send(
      'PaymentDeclined',
      {
        orderId: placed.orderId,
        customerId: 'c-ada',
        amount: { amountMinor: 3000, currency: 'EUR' },
        reason: 'INSUFFICIENT_FUNDS',
      },
      'c',
    );
    await eventually(async () =>
      expect((await get(`/orders/${placed.orderId}`)).body).toMatchObject({
        status: 'CANCELLED',
        cancellation: { reason: 'PAYMENT_DECLINED' },
      }),
    );
    await send(
      'ShipmentScheduled',
      {
        orderId: placed.orderId,
        shipmentId: 's-late',
        items: [],
        carrier: 'post',
        eta: new Date(),
      },
      'c',
    );
    await eventually(async () => {
      const { body } = await get(`/orders/${placed.orderId}`);
      expect((body['history'] as { type: string }[]).map((h) => h.type)).toContain(
        'ShipmentScheduled',
      );
      expect(body).toMatchObject({ status: 'CANCELLED', shipmentId: null });
    });
    expect(published(placed.orderId, 'OrderCancelled')).toHaveLength(1);
    expect(published(placed.orderId, 'OrderConfirmed')).toHaveLength(0);
  });

  it('answers a retry with the same Idempotency-Key with the first order, and refuses the key for another body', async () => {
    const key = randomUUID();
    const first = await post('/orders', order, { 'Idempotency-Key': key });
    const again = await post('/orders', order, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    const a = (await first.json()) as { orderId: string };
    const b = (await again.json()) as { orderId: string };
    expect(b.orderId).toBe(a.orderId);
    const other = await post(
      '/orders',
      { ...order, customerId: 'c-bob' },
      { 'Idempotency-Key': key },
    );
    expect(other.status).toBe(422);
    await eventually(() => expect(published(a.orderId, 'OrderPlaced')).toHaveLength(1));
  });

  it('places concurrent orders in shared transactions, one order per request, and one per Idempotency-Key', async () => {
    const shared = randomUUID();
    const responses = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) =>
        post('/orders', { ...order, customerId: `c-burst-${i}` }),
      ),
      // Two requests with one key, at the same moment: one order, answered to both.
      post('/orders', order, { 'Idempotency-Key': shared }),
      post('/orders', order, { 'Idempotency-Key': shared }),
    ]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { orderId: string }[];
    const statuses = responses.map((r) => r.status);
    expect(statuses.slice(0, 30)).toEqual(Array.from({ length: 30 }, () => 201));
    expect(statuses.slice(30).sort()).toEqual([200, 201]);
    expect(bodies[30]!.orderId).toBe(bodies[31]!.orderId);
    const ids = bodies.slice(0, 31).map((b) => b.orderId);
    expect(new Set(ids).size).toBe(31);
    // Placed together: the 31 orders took fewer transactions than requests.
    const db = service.database.db as Kysely<OrdersDatabase>;
    const placed = await db
      .selectFrom('events')
      .select('tx_id')
      .where(
        'stream_id',
        'in',
        ids.map((id) => `order-${id}`),
      )
      .execute();
    expect(placed).toHaveLength(31);
    expect(new Set(placed.map((e) => e.tx_id)).size).toBeLessThan(31);
    // Every order was written whole: its view row answers, and its OrderPlaced is published once.
    for (const id of ids) expect((await get(`/orders/${id}`)).status).toBe(200);
    await eventually(() =>
      expect(ids.filter((id) => published(id, 'OrderPlaced').length !== 1)).toEqual([]),
    );
  });

  it('rejects invalid bodies with problem+json naming each field', async () => {
    const res = await post('/orders', {
      ...order,
      items: [{ sku: 'sku lower', quantity: 0, unitPrice: { amountMinor: 1, currency: 'EURO' } }],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field).sort()).toEqual([
      '/items/0/quantity',
      '/items/0/sku',
      '/items/0/unitPrice/currency',
    ]);
    const mixed = await post('/orders', {
      ...order,
      items: [
        order.items[0],
        { ...order.items[1], unitPrice: { amountMinor: 1, currency: 'USD' } },
      ],
    });
    expect(mixed.status).toBe(422);
  });

  it('cancels a pending order at the customer’s request, and refuses to cancel a confirmed or unknown one', async () => {
    const placed = (await (await post('/orders', order)).json()) as { orderId: string };
    const res = await post(`/orders/${placed.orderId}/cancel`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'CANCELLED',
      cancellation: { reason: 'CUSTOMER_REQUEST' },
    });
    await eventually(() =>
      expect(published(placed.orderId, 'OrderCancelled').map((m) => m.event.data)).toEqual([
        expect.objectContaining({ reason: 'CUSTOMER_REQUEST' }),
      ]),
    );
    expect((await post(`/orders/${placed.orderId}/cancel`)).status).toBe(200); // idempotent

    const confirmed = player.published.find((m) => m.event.type === 'OrderConfirmed');
    expect(confirmed).toBeDefined();
    expect((await post(`/orders/${confirmed!.event.data.orderId}/cancel`)).status).toBe(409);
    expect((await post(`/orders/${randomUUID()}/cancel`)).status).toBe(404);
  });

  it('lists orders newest first, filtered by status, in pages', async () => {
    const first = await get('/orders?status=CANCELLED&limit=1');
    expect(first.status).toBe(200);
    const page = first.body as { items: { status: string }[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.status).toBe('CANCELLED');
    expect(page.nextCursor).not.toBeNull();
    const next = await get(`/orders?status=CANCELLED&limit=100&cursor=${page.nextCursor}`);
    const rest = next.body as { items: { orderId: string }[] };
    expect(rest.items.length).toBeGreaterThanOrEqual(1);
    expect(rest.items.map((o) => o.orderId)).not.toContain(
      (page.items[0] as unknown as { orderId: string }).orderId,
    );
  });

  it('records saga outcomes, their reasons and durations in its Prometheus metrics', async () => {
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const value = (series: RegExp) => Number(series.exec(metrics)?.[1] ?? 'NaN');
    // Earlier tests confirmed one order and cancelled others for these reasons.
    expect(value(/^saga_outcomes_total\{outcome="CONFIRMED",reason="none"\} (\d+)$/m)).toBe(1);
    expect(
      value(/^saga_outcomes_total\{outcome="CANCELLED",reason="PAYMENT_DECLINED"\} (\d+)$/m),
    ).toBe(1);
    expect(
      value(/^saga_outcomes_total\{outcome="CANCELLED",reason="CUSTOMER_REQUEST"\} (\d+)$/m),
    ).toBe(1);
    expect(value(/^saga_duration_seconds_count\{outcome="CONFIRMED"\} (\d+)$/m)).toBe(1);
    expect(value(/^saga_duration_seconds_sum\{outcome="CONFIRMED"\} ([\d.e-]+)$/m)).toBeGreaterThan(
      0,
    );
    expect(
      value(
        /^http_server_requests_total\{method="POST",route="\/orders",status_class="2xx"\} (\d+)$/m,
      ),
    ).toBeGreaterThanOrEqual(5);
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const { status, body } = await get('/openapi.json');
    expect(status).toBe(200);
    expect(body['openapi']).toBe('3.1.0');
    expect(Object.keys(body['paths'] as object)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{orderId}', '/orders/{orderId}/cancel']),
    );
  });

  it('rebuilds orders_view from the event log into the rows the commands wrote', async () => {
    const db = service.database.db as Kysely<OrdersDatabase>;
    const view = () => db.selectFrom('orders_view').selectAll().orderBy('order_id').execute();
    const before = await view();
    // The earlier tests left orders in every state: pending, confirmed, cancelled.
    expect(new Set(before.map((r) => r.status))).toEqual(
      new Set(['PENDING', 'CONFIRMED', 'CANCELLED']),
    );
    const events = await rebuildProjection(db, ordersView, 3);
    expect(events).toBeGreaterThan(before.length);
    expect(await view()).toEqual(before);
  });
});

describe('orders saga deadline', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startServiceForTest('orders', startOrders, {
      ...admissionDefaults,
      SAGA_DEADLINE_MS: 1_000,
      SAGA_DEADLINE_SCAN_MS: 200,
    });
  });
  afterAll(() => service?.stop());

  it('cancels an order that stays pending past the deadline', async () => {
    const res = await fetch(`${service.baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: service.authorization },
      body: JSON.stringify({
        customerId: 'c-slow',
        items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amountMinor: 100, currency: 'EUR' } }],
        shippingAddress: { recipient: 'S', line1: 'x', city: 'y', postalCode: 'z', country: 'PT' },
      }),
    });
    const { orderId } = (await res.json()) as { orderId: string };
    await eventually(async () => {
      const body = (await (
        await fetch(`${service.baseUrl}/orders/${orderId}`, {
          headers: { authorization: service.authorization },
        })
      ).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'TIMEOUT' } });
    }, 15_000);
  });
});

describe('orders admission control', () => {
  let service: RunningService;
  beforeAll(async () => {
    // Nothing plays payments or shipping: every order stays in flight until cancelled.
    service = await startServiceForTest('orders', startOrders, {
      ADMISSION_CONTROL: true,
      ADMISSION_MIN_IN_FLIGHT: 3,
      ADMISSION_SAMPLE_MS: 50,
      SAGA_DEADLINE_MS: 600_000,
      SAGA_DEADLINE_SCAN_MS: 200,
    });
  });
  afterAll(() => service?.stop());

  const place = (key: string) =>
    fetch(`${service.baseUrl}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'Idempotency-Key': key,
        authorization: service.authorization,
      },
      body: JSON.stringify({
        customerId: 'c-busy',
        items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amountMinor: 100, currency: 'EUR' } }],
        shippingAddress: { recipient: 'B', line1: 'x', city: 'y', postalCode: 'z', country: 'PT' },
      }),
    });

  const inFlight = async () => {
    const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('orders_in_flight '));
    return Number(line?.split(' ')[1]);
  };

  it('refuses new orders with 503 and Retry-After while the orders in flight fill the limit, and admits again once they end', async () => {
    const accepted: string[] = [];
    for (const key of ['busy-1', 'busy-2', 'busy-3']) {
      const res = await place(key);
      expect(res.status).toBe(201);
      accepted.push(((await res.json()) as { orderId: string }).orderId);
      // A sample taken while an order commits may count it twice until the next one
      // (erring on the side of refusing): wait until the count has settled.
      await eventually(async () => expect(await inFlight()).toBe(accepted.length), 10_000, 50);
    }
    const refused = await place('busy-4');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    // A retry of an order already accepted is answered, never refused.
    expect((await place('busy-1')).status).toBe(200);
    // Nothing was written for the refused order.
    const list = (await (
      await fetch(`${service.baseUrl}/orders?limit=50`, {
        headers: { authorization: service.authorization },
      })
    ).json()) as {
      items: { orderId: string }[];
    };
    expect(list.items.map((o) => o.orderId).sort()).toEqual([...accepted].sort());

    for (const orderId of accepted.slice(0, 2)) {
      const res = await fetch(`${service.baseUrl}/orders/${orderId}/cancel`, {
        method: 'POST',
        headers: { authorization: service.authorization },
      });
      expect(res.status).toBe(200);
    }
    await eventually(async () => expect((await place('busy-4')).status).toBe(201), 10_000, 100);
  });
});
