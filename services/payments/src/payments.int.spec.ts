import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventType } from '@orderflow/events';
import { inspectDeadLetters } from '@orderflow/messaging';
import type { RunningService } from '@orderflow/platform/testing';
import { EventPlayer, startServiceForTest } from '@orderflow/platform/testing';
import { bearer, eventually, testKafka, uniqueName } from '@orderflow/testing';
import type { Kysely } from 'kysely';
import { startPayments } from './app.js';
import type { PaymentsDatabase } from './infra/database.js';

/**
 * Payments in-process against real Postgres, Kafka and the registry. The test plays
 * orders and shipping: it writes their events and reads payments.events.
 */
describe('payments service', () => {
  const prefix = `${uniqueName('payments')}.`;
  const player = new EventPlayer(prefix);
  const kafka = testKafka();
  let service: RunningService;
  let db: Kysely<PaymentsDatabase>;

  beforeAll(async () => {
    service = await startServiceForTest(
      'payments',
      startPayments,
      { SEED_DEMO_ACCOUNTS: false },
      prefix,
    );
    db = service.database.db as Kysely<PaymentsDatabase>;
    await player.start('payments');
  });

  afterAll(async () => {
    await player.stop();
    await service?.stop();
  });

  async function openAccount(customerId: string, amountMinor: number, currency = 'EUR') {
    await db
      .insertInto('accounts')
      .values({
        customer_id: customerId,
        currency,
        opening_balance_minor: amountMinor,
        balance_minor: amountMinor,
      })
      .execute();
  }
  const balanceOf = async (customerId: string) =>
    Number(
      (
        await db
          .selectFrom('accounts')
          .select('balance_minor')
          .where('customer_id', '=', customerId)
          .executeTakeFirstOrThrow()
      ).balance_minor,
    );
  const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
  const published = (orderId: string) => player.publishedFor(orderId).map((m) => m.event.type);

  const send = <K extends EventType>(
    type: K,
    data: EventDataMap[K] & { orderId: string },
    id?: string,
  ) => player.send({ type, data, ...(id ? { id } : {}) });
  const placed = (
    orderId: string,
    customerId: string,
    amountMinor: number,
  ): EventDataMap['OrderPlaced'] & { orderId: string } => ({
    orderId,
    customerId,
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: eur(amountMinor) }],
    total: eur(amountMinor),
    shippingAddress: {
      recipient: 'A',
      line1: 'x',
      line2: null,
      city: 'y',
      postalCode: 'z',
      country: 'PT',
    },
    placedAt: new Date(),
  });

  it('authorizes an order the balance covers, takes the amount, and publishes PaymentAuthorized with the saga headers', async () => {
    await openAccount('c-rich', 10_000);
    const orderId = randomUUID();
    await send('OrderPlaced', placed(orderId, 'c-rich', 3_000));
    await eventually(() => expect(published(orderId)).toEqual(['PaymentAuthorized']));
    const message = player.published.find((m) => m.event.data.orderId === orderId)!;
    expect(message.event.data).toMatchObject({ customerId: 'c-rich', amount: eur(3_000) });
    expect(message.headers).toMatchObject({
      subject: orderId,
      correlationId: `corr-${orderId}`,
      source: '/orderflow/payments',
    });
    expect(await balanceOf('c-rich')).toBe(7_000);
    const res = await fetch(`${service.baseUrl}/payments/${orderId}`, {
      headers: { authorization: service.authorization },
    });
    expect(await res.json()).toMatchObject({ status: 'AUTHORIZED', amount: eur(3_000) });

    // A customer's token sees its own payment and account, and no one else's: 404.
    const as = async (customerId: string, path: string) =>
      (
        await fetch(`${service.baseUrl}${path}`, {
          headers: await bearer(['payments:read'], customerId),
        })
      ).status;
    expect(await as('c-rich', `/payments/${orderId}`)).toBe(200);
    expect(await as('c-rich', '/accounts/c-rich')).toBe(200);
    expect(await as('c-other', `/payments/${orderId}`)).toBe(404);
    expect(await as('c-other', '/accounts/c-rich')).toBe(404);
    const listed = await fetch(`${service.baseUrl}/accounts`, {
      headers: await bearer(['payments:read'], 'c-rich'),
    });
    expect(((await listed.json()) as { items: { customerId: string }[] }).items).toEqual([
      expect.objectContaining({ customerId: 'c-rich' }),
    ]);
  });

  it('declines when the balance is short and leaves it untouched', async () => {
    await openAccount('c-poor', 999);
    const orderId = randomUUID();
    await send('OrderPlaced', placed(orderId, 'c-poor', 1_000));
    await eventually(() => expect(published(orderId)).toEqual(['PaymentDeclined']));
    expect(
      player.published.find((m) => m.event.data.orderId === orderId)!.event.data,
    ).toMatchObject({
      reason: 'INSUFFICIENT_FUNDS',
    });
    expect(await balanceOf('c-poor')).toBe(999);
  });

  it('refunds once when shipping fails and the order is then cancelled (both ask)', async () => {
    await openAccount('c-refund', 5_000);
    const orderId = randomUUID();
    await send('OrderPlaced', placed(orderId, 'c-refund', 2_000));
    await eventually(() => expect(published(orderId)).toEqual(['PaymentAuthorized']));
    await send('ShipmentFailed', { orderId, reason: 'OUT_OF_STOCK', detail: 'SKU-1' });
    await send('OrderCancelled', {
      orderId,
      reason: 'OUT_OF_STOCK',
      detail: null,
      cancelledAt: new Date(),
    });
    await eventually(() =>
      expect(published(orderId)).toEqual(['PaymentAuthorized', 'PaymentRefunded']),
    );
    expect(
      player.published.find(
        (m) => m.event.type === 'PaymentRefunded' && m.event.data.orderId === orderId,
      )!.event.data,
    ).toMatchObject({
      reason: 'SHIPMENT_FAILED',
      amount: eur(2_000),
    });
    await eventually(async () => expect(await balanceOf('c-refund')).toBe(5_000));
    // Give a duplicate refund time to show up, if there were one, by waiting for a later event.
    const marker = randomUUID();
    await send('OrderPlaced', placed(marker, 'c-refund', 1));
    await eventually(() => expect(published(marker)).toEqual(['PaymentAuthorized']));
    expect(published(orderId)).toEqual(['PaymentAuthorized', 'PaymentRefunded']);
  });

  it('processes an event delivered twice once', async () => {
    await openAccount('c-twice', 10_000);
    const orderId = randomUUID();
    const eventId = randomUUID();
    await send('OrderPlaced', placed(orderId, 'c-twice', 1_000), eventId);
    await send('OrderPlaced', placed(orderId, 'c-twice', 1_000), eventId);
    await eventually(() => expect(published(orderId)).toEqual(['PaymentAuthorized']));
    const marker = randomUUID();
    await send('OrderPlaced', placed(marker, 'c-twice', 1));
    await eventually(() => expect(published(marker)).toEqual(['PaymentAuthorized']));
    expect(await balanceOf('c-twice')).toBe(10_000 - 1_000 - 1);
  });

  it('never overdraws an account under concurrent orders: money is conserved', async () => {
    await openAccount('c-busy', 5_000);
    const orders = Array.from({ length: 8 }, () => randomUUID());
    await Promise.all(
      orders.map((orderId) => send('OrderPlaced', placed(orderId, 'c-busy', 1_000))),
    );
    await eventually(() => expect(orders.flatMap(published)).toHaveLength(8), 30_000);
    const outcomes = orders.flatMap(published);
    expect(outcomes.filter((t) => t === 'PaymentAuthorized')).toHaveLength(5);
    expect(outcomes.filter((t) => t === 'PaymentDeclined')).toHaveLength(3);
    expect(await balanceOf('c-busy')).toBe(0);
  });

  it('dead-letters an undecodable record and keeps consuming the partition', async () => {
    const orderId = randomUUID();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: player.topics.orders,
      messages: [
        { key: orderId, value: Buffer.from('not avro'), headers: { ce_id: randomUUID() } },
      ],
    });
    await producer.disconnect();
    await openAccount('c-after-poison', 100);
    await send('OrderPlaced', placed(orderId, 'c-after-poison', 50));
    await eventually(() => expect(published(orderId)).toEqual(['PaymentAuthorized']), 30_000);
    const letters = await inspectDeadLetters(kafka, `${player.topics.orders}.dlq`);
    expect(letters.filter((l) => l.key === orderId)).toEqual([
      expect.objectContaining({
        errorClass: 'InvalidHeadersError',
        originalTopic: player.topics.orders,
        consumerGroup: `${prefix}payments`,
        reason: expect.stringContaining('missing ce_type') as string,
      }),
    ]);
  });
});
