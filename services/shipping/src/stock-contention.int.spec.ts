import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventType } from '@orderflow/events';
import { buildHeaders } from '@orderflow/events';
import type { InboundMessage } from '@orderflow/messaging';
import { headersToStrings, lockKeys, rebuildProjection, recordInInbox } from '@orderflow/messaging';
import { decodeMessage, EventPublisher } from '@orderflow/platform';
import { eventually } from '@orderflow/testing';
import { lockKeysFor, shipmentFacts } from './features/shipment-commands.js';
import { reservations } from './projections/reservations.js';
import type { ShippingHarness } from './test-support/shipping-harness.js';
import {
  orderPlaced,
  paymentAuthorized,
  startShippingHarness,
} from './test-support/shipping-harness.js';

/** Orders competing for the last units: stock never goes negative, nobody gets a unit twice (I5). */
describe('shipping stock under contention', () => {
  let h: ShippingHarness;
  beforeAll(async () => {
    h = await startShippingHarness('shipping-stock');
  });
  afterAll(() => h?.stop());

  const outcomes = (orderIds: string[]) =>
    h.seen.filter((m) => orderIds.includes(m.event.data.orderId)).map((m) => m.event.type);

  it('gives 3 units to exactly 3 of 5 orders arriving through Kafka', async () => {
    await h.stock('SKU-LAST', 3);
    const orderIds = Array.from({ length: 5 }, () => randomUUID());
    for (const id of orderIds)
      await h.send('OrderPlaced', orderPlaced(id, [{ sku: 'SKU-LAST', quantity: 1 }]));
    for (const id of orderIds) await h.send('PaymentAuthorized', paymentAuthorized(id));

    await eventually(() => expect(outcomes(orderIds)).toHaveLength(5));
    expect(outcomes(orderIds).sort()).toEqual([
      'ShipmentFailed',
      'ShipmentFailed',
      'ShipmentScheduled',
      'ShipmentScheduled',
      'ShipmentScheduled',
    ]);
    expect(await h.stockOf('SKU-LAST')).toEqual({ available: 0, reserved: 3 });
  });

  /**
   * Concurrent transactions on the same SKUs happen when two partitions, or two
   * instances of the service, handle records at once. The test runs the handler itself
   * in concurrent transactions, each opened as the consumer opens one for a single
   * record (keys locked, then the inbox row). Half the orders list the SKUs the other
   * way round: without sorted row locks they could deadlock, without row locks they
   * would overdraw (the check constraint would fail the transaction).
   */
  it('decides concurrent transactions for the same SKUs one at a time, without deadlocks', async () => {
    await h.stock('SKU-HOT', 3);
    await h.stock('SKU-COLD', 100);
    const { handle } = shipmentFacts(new EventPublisher(h.serde, '/orderflow/shipping'), {
      carrier: 'test-post',
      transitDays: 2,
      deliverableCountries: ['PT'],
    });
    const deliver = async <K extends EventType>(
      type: K,
      data: EventDataMap[K] & { orderId: string },
    ) => {
      const id = randomUUID();
      const headers = buildHeaders({
        id,
        type,
        source: '/test',
        time: new Date(),
        subject: data.orderId,
        correlationId: `corr-${data.orderId}`,
        causationId: randomUUID(),
      });
      const raw: InboundMessage = {
        id,
        topic: h.serde.topicOf(type),
        partition: 0,
        offset: '0',
        key: data.orderId,
        value: await h.serde.encode(type, data),
        headers: headersToStrings(headers),
        timestamp: String(Date.now()),
      };
      const decoded = await decodeMessage(h.serde, raw);
      await h.db.transaction().execute(async (trx) => {
        await lockKeys(trx, lockKeysFor(data.orderId));
        await recordInInbox(trx, 'contention-test', id);
        await handle(trx, decoded, raw);
      });
    };

    const orderIds = Array.from({ length: 6 }, () => randomUUID());
    for (const [i, id] of orderIds.entries()) {
      const hot = { sku: 'SKU-HOT', quantity: 1 };
      const cold = { sku: 'SKU-COLD', quantity: 1 };
      await deliver('OrderPlaced', orderPlaced(id, i % 2 === 0 ? [hot, cold] : [cold, hot]));
    }
    await Promise.all(orderIds.map((id) => deliver('PaymentAuthorized', paymentAuthorized(id))));

    const decisions = await h.db
      .selectFrom('events')
      .select('type')
      .where(
        'stream_id',
        'in',
        orderIds.map((id) => `shipment-${id}`),
      )
      .where('type', 'in', ['ShipmentScheduled', 'ShipmentFailed'])
      .execute();
    expect(decisions.map((d) => d.type).sort()).toEqual([
      'ShipmentFailed',
      'ShipmentFailed',
      'ShipmentFailed',
      'ShipmentScheduled',
      'ShipmentScheduled',
      'ShipmentScheduled',
    ]);
    expect(await h.stockOf('SKU-HOT')).toEqual({ available: 0, reserved: 3 });
    expect(await h.stockOf('SKU-COLD')).toEqual({ available: 97, reserved: 3 });
    // And the outbox rows written with them are published.
    await eventually(() => expect(outcomes(orderIds)).toHaveLength(6));
  });

  it('rebuilds the stock and shipments_view from the event log', async () => {
    const snapshot = async () => ({
      stock: await h.db
        .selectFrom('stock')
        .select(['sku', 'available', 'reserved'])
        .orderBy('sku')
        .execute(),
      shipments: await h.db
        .selectFrom('shipments_view')
        .select([
          'order_id',
          'shipment_id',
          'status',
          'carrier',
          'eta',
          'lines',
          'failure_reason',
          'failure_detail',
        ])
        .orderBy('order_id')
        .execute(),
    });
    const before = await snapshot();
    expect(before.stock.some((s) => s.reserved > 0)).toBe(true);
    // Nothing is in flight: every message sent above has been handled.
    await rebuildProjection(h.db, reservations);
    expect(await snapshot()).toEqual(before);
  });
});
