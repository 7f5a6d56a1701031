import { randomUUID } from 'node:crypto';
import { eventually } from '@orderflow/testing';
import type { ShippingHarness } from './test-support/shipping-harness.js';
import {
  orderPlaced,
  paymentAuthorized,
  startShippingHarness,
} from './test-support/shipping-harness.js';

const DAY = 86_400_000;

/** Shipping's part of the saga, driven through Kafka as orders and payments would drive it. */
describe('shipping service', () => {
  let h: ShippingHarness;
  beforeAll(async () => {
    h = await startShippingHarness('shipping');
  });
  afterAll(() => h?.stop());

  it('reserves and schedules when the payment follows the order, publishing ShipmentScheduled with CloudEvents headers', async () => {
    await h.stock('SKU-HAPPY-A', 10);
    await h.stock('SKU-HAPPY-B', 5);
    const orderId = randomUUID();
    const lines = [
      { sku: 'SKU-HAPPY-A', quantity: 2 },
      { sku: 'SKU-HAPPY-B', quantity: 1 },
    ];
    const orderEventId = await h.send('OrderPlaced', orderPlaced(orderId, lines), {
      correlationId: 'corr-happy',
    });
    // The payment follows the order as the consumer sees it, not only as sent: the two
    // topics' records may come in one fetch, in either order, and the event that
    // completes the pair is the one ShipmentScheduled names as its cause.
    await eventually(async () => expect(await h.consumed(orderEventId)).toBe(true));
    const paymentEventId = await h.send('PaymentAuthorized', paymentAuthorized(orderId), {
      correlationId: 'corr-happy',
    });

    const message = await eventually(() => {
      const found = h.published(orderId, 'ShipmentScheduled');
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(message.key).toBe(orderId);
    expect(message.headers).toMatchObject({
      type: 'orderflow.shipping.ShipmentScheduled',
      source: '/orderflow/shipping',
      subject: orderId,
      specVersion: '1.0',
      correlationId: 'corr-happy',
      causationId: paymentEventId,
    });
    const data = message.event.data as { shipmentId: string; eta: Date };
    expect(message.event.data).toMatchObject({ items: lines, carrier: 'test-post' });
    // eta = scheduling time + SHIPPING_TRANSIT_DAYS; ce_time is the commit's clock.
    expect(Math.abs(data.eta.getTime() - message.headers.time.getTime() - 2 * DAY)).toBeLessThan(
      60_000,
    );
    // The ce_id is the domain event's id: a redelivery of the outbox row keeps it.
    const stored = await h.db
      .selectFrom('events')
      .select('event_id')
      .where('type', '=', 'ShipmentScheduled')
      .where('stream_id', '=', `shipment-${orderId}`)
      .executeTakeFirstOrThrow();
    expect(message.headers.id).toBe(stored.event_id);

    expect(await h.stockOf('SKU-HAPPY-A')).toEqual({ available: 8, reserved: 2 });
    expect(await h.stockOf('SKU-HAPPY-B')).toEqual({ available: 4, reserved: 1 });
    const shipment = await fetch(`${h.service.baseUrl}/shipments/${orderId}`, {
      headers: { authorization: h.service.authorization },
    });
    expect(shipment.status).toBe(200);
    expect(await shipment.json()).toMatchObject({
      orderId,
      shipmentId: data.shipmentId,
      status: 'SCHEDULED',
      carrier: 'test-post',
      eta: data.eta.toISOString(),
      lines,
      failure: null,
    });
  });

  it('schedules once when the payment arrives before the order', async () => {
    await h.stock('SKU-EARLY', 3);
    const orderId = randomUUID();
    const paid = await h.send('PaymentAuthorized', paymentAuthorized(orderId));
    // Only then the order: otherwise the two topics might be read in either order.
    await eventually(async () => expect(await h.consumed(paid)).toBe(true));
    expect(await h.streamTypes(orderId)).toEqual(['PaymentNoted']);
    await h.send('OrderPlaced', orderPlaced(orderId, [{ sku: 'SKU-EARLY', quantity: 3 }]));

    await eventually(() => expect(h.published(orderId, 'ShipmentScheduled')).toHaveLength(1));
    expect(await h.streamTypes(orderId)).toEqual([
      'PaymentNoted',
      'OrderNoted',
      'ShipmentScheduled',
    ]);
    expect(await h.stockOf('SKU-EARLY')).toEqual({ available: 0, reserved: 3 });
  });

  it('fails the whole shipment when a line is short, saying which, and reserves nothing', async () => {
    await h.stock('SKU-SHORT', 1);
    await h.stock('SKU-PLENTY', 5);
    const orderId = randomUUID();
    const lines = [
      { sku: 'SKU-SHORT', quantity: 2 },
      { sku: 'SKU-PLENTY', quantity: 1 },
    ];
    await h.send('OrderPlaced', orderPlaced(orderId, lines));
    await h.send('PaymentAuthorized', paymentAuthorized(orderId));

    const failed = await eventually(() => {
      const found = h.published(orderId, 'ShipmentFailed');
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(failed.event.data).toEqual({
      orderId,
      reason: 'OUT_OF_STOCK',
      detail: 'SKU-SHORT: 2 wanted, 1 available',
    });
    expect(await h.stockOf('SKU-SHORT')).toEqual({ available: 1, reserved: 0 });
    expect(await h.stockOf('SKU-PLENTY')).toEqual({ available: 5, reserved: 0 });
    const body = (await (
      await fetch(`${h.service.baseUrl}/shipments/${orderId}`, {
        headers: { authorization: h.service.authorization },
      })
    ).json()) as object;
    expect(body).toMatchObject({
      status: 'FAILED',
      shipmentId: null,
      failure: { reason: 'OUT_OF_STOCK', detail: 'SKU-SHORT: 2 wanted, 1 available' },
    });
    expect(h.published(orderId, 'ShipmentScheduled')).toHaveLength(0);
  });

  it('fails a shipment to a country the carrier does not serve', async () => {
    await h.stock('SKU-FAR', 5);
    const orderId = randomUUID();
    await h.send('OrderPlaced', orderPlaced(orderId, [{ sku: 'SKU-FAR', quantity: 1 }], 'AQ'));
    await h.send('PaymentAuthorized', paymentAuthorized(orderId));
    await eventually(() =>
      expect(h.published(orderId).map((m) => m.event.data)).toEqual([
        { orderId, reason: 'UNDELIVERABLE', detail: 'no carrier delivers to AQ' },
      ]),
    );
    expect(await h.stockOf('SKU-FAR')).toEqual({ available: 5, reserved: 0 });
  });

  it('releases the reservation when a scheduled order is cancelled', async () => {
    await h.stock('SKU-UNDO', 4);
    const orderId = randomUUID();
    await h.send('OrderPlaced', orderPlaced(orderId, [{ sku: 'SKU-UNDO', quantity: 3 }]));
    await h.send('PaymentAuthorized', paymentAuthorized(orderId));
    const scheduled = await eventually(() => {
      const found = h.published(orderId, 'ShipmentScheduled');
      expect(found).toHaveLength(1);
      return found[0]!.event.data as { shipmentId: string };
    });
    expect(await h.stockOf('SKU-UNDO')).toEqual({ available: 1, reserved: 3 });

    const cancelled = {
      orderId,
      reason: 'TIMEOUT' as const,
      detail: null,
      cancelledAt: new Date(),
    };
    const cancelId = await h.send('OrderCancelled', cancelled);
    const released = await eventually(() => {
      const found = h.published(orderId, 'ShipmentCancelled');
      expect(found).toHaveLength(1);
      return found[0]!;
    });
    expect(released.event.data).toEqual({ orderId, shipmentId: scheduled.shipmentId });
    expect(released.headers.causationId).toBe(cancelId);
    expect(await h.stockOf('SKU-UNDO')).toEqual({ available: 4, reserved: 0 });
    const body = (await (
      await fetch(`${h.service.baseUrl}/shipments/${orderId}`, {
        headers: { authorization: h.service.authorization },
      })
    ).json()) as object;
    expect(body).toMatchObject({ status: 'CANCELLED', shipmentId: scheduled.shipmentId });
  });

  it('never reserves for a payment that arrives after the cancellation', async () => {
    await h.stock('SKU-LATE', 2);
    const orderId = randomUUID();
    await h.send('OrderPlaced', orderPlaced(orderId, [{ sku: 'SKU-LATE', quantity: 1 }]));
    const cancelled = {
      orderId,
      reason: 'CUSTOMER_REQUEST' as const,
      detail: null,
      cancelledAt: new Date(),
    };
    const cancelId = await h.send('OrderCancelled', cancelled);
    await eventually(async () => expect(await h.consumed(cancelId)).toBe(true));

    const late = await h.send('PaymentAuthorized', paymentAuthorized(orderId));
    await eventually(async () => expect(await h.consumed(late)).toBe(true));
    // Only Shipment* events reach the outbox, so a stream without one published nothing.
    expect(await h.streamTypes(orderId)).toEqual(['OrderNoted', 'CancellationNoted']);
    expect(await h.stockOf('SKU-LATE')).toEqual({ available: 2, reserved: 0 });
    expect(h.published(orderId)).toHaveLength(0);
    const body = (await (
      await fetch(`${h.service.baseUrl}/shipments/${orderId}`, {
        headers: { authorization: h.service.authorization },
      })
    ).json()) as object;
    expect(body).toMatchObject({ status: 'CANCELLED', shipmentId: null });
  });

  it('reserves once when events are delivered twice, by id or as a repeated fact', async () => {
    await h.stock('SKU-TWICE', 10);
    const orderId = randomUUID();
    const placed = orderPlaced(orderId, [{ sku: 'SKU-TWICE', quantity: 2 }]);
    const orderEventId = randomUUID();
    const paymentEventId = randomUUID();
    await h.send('OrderPlaced', placed, { id: orderEventId });
    await h.send('OrderPlaced', placed, { id: orderEventId });
    await h.send('PaymentAuthorized', paymentAuthorized(orderId), { id: paymentEventId });
    await h.send('PaymentAuthorized', paymentAuthorized(orderId), { id: paymentEventId });
    // The same payment again under a new id: the inbox lets it through, the decider ignores it.
    const repeated = await h.send('PaymentAuthorized', paymentAuthorized(orderId));
    // Same key, same partition: once the last one is consumed, the duplicates before it were too.
    await eventually(async () => expect(await h.consumed(repeated)).toBe(true));

    expect(await h.streamTypes(orderId)).toEqual([
      'OrderNoted',
      'PaymentNoted',
      'ShipmentScheduled',
    ]);
    expect(await h.stockOf('SKU-TWICE')).toEqual({ available: 8, reserved: 2 });
    await eventually(() => expect(h.published(orderId, 'ShipmentScheduled')).toHaveLength(1));
  });

  it('serves stock and shipments, with problems for unknown and invalid ids', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${h.service.baseUrl}${path}`, {
        headers: { authorization: h.service.authorization },
      });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        body: (await res.json()) as object,
      };
    };
    const list = await get('/stock');
    expect(list.status).toBe(200);
    expect((list.body as { items: { sku: string }[] }).items).toEqual(
      expect.arrayContaining([{ sku: 'SKU-HAPPY-A', available: 8, reserved: 2 }]),
    );
    expect(await get('/stock/SKU-HAPPY-B')).toMatchObject({
      status: 200,
      body: { sku: 'SKU-HAPPY-B', available: 4, reserved: 1 },
    });
    expect((await get('/stock/SKU-NOPE')).status).toBe(404);
    const invalid = await get('/stock/not a sku');
    expect(invalid.status).toBe(400);
    expect(invalid.type).toMatch(/^application\/problem\+json/);
    expect((await get(`/shipments/${randomUUID()}`)).status).toBe(404);
    expect((await get('/shipments/not-a-uuid')).status).toBe(400);
  });
});
