import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventType, IntegrationEvent, TopicMap } from '@orderflow/events';
import { buildHeaders, EventSerde, readHeaders, Topics } from '@orderflow/events';
import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import { stack, testKafka, uniqueName } from '@orderflow/testing';
import type { Consumer, Producer } from 'kafkajs';
import type { Kysely } from 'kysely';
import { startShipping } from '../app.js';
import { streamOf } from '../features/shipment-commands.js';
import type { ShippingDatabase } from '../infra/database.js';

export interface Observed {
  event: IntegrationEvent;
  key: string | null;
  headers: ReturnType<typeof readHeaders>;
}

/**
 * Shipping in-process against real Postgres, Kafka and the registry, under a unique
 * topic prefix. The test plays orders and payments: it writes their events and
 * reads shipping.events.
 */
export async function startShippingHarness(name: string) {
  const prefix = `${uniqueName(name)}.`;
  const topics = Object.fromEntries(
    Object.entries(Topics).map(([k, v]) => [k, prefix + v]),
  ) as TopicMap;
  const serde = new EventSerde({ registryUrl: stack.endpoints.registryUrl, topics });
  const kafka = testKafka();
  const seen: Observed[] = [];
  const service: RunningService = await startServiceForTest(
    'shipping',
    startShipping,
    {
      SHIPPING_CARRIER: 'test-post',
      SHIPPING_TRANSIT_DAYS: 2,
      SHIPPING_COUNTRIES: ['PT', 'DE', 'US'],
      SEED_DEMO_STOCK: false,
    },
    prefix,
  );
  await serde.registerAll();
  const producer: Producer = kafka.producer();
  await producer.connect();
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName(`${name}-observer`) });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.shipping, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({
        event: await serde.decode(message.value),
        key: message.key?.toString() ?? null,
        headers: readHeaders(message.headers),
      });
    },
  });
  const db = service.database.db as Kysely<ShippingDatabase>;

  /** Produces an event as its owning service would; returns its ce_id. */
  async function send<K extends EventType>(
    type: K,
    data: EventDataMap[K] & { orderId: string },
    { id = randomUUID(), correlationId = `corr-${data.orderId}` } = {},
  ): Promise<string> {
    const headers = buildHeaders({
      id,
      type,
      source: '/test',
      time: new Date(),
      subject: data.orderId,
      correlationId,
      causationId: randomUUID(),
    });
    await producer.send({
      topic: serde.topicOf(type),
      messages: [{ key: data.orderId, value: await serde.encode(type, data), headers }],
    });
    return id;
  }

  return {
    service,
    serde,
    db,
    seen,
    send,
    published: (orderId: string, type?: EventType) =>
      seen.filter((m) => m.event.data.orderId === orderId && (!type || m.event.type === type)),
    async stock(sku: string, available: number) {
      await db
        .insertInto('stock')
        .values({ sku, available, opening_available: available })
        .execute();
    },
    stockOf: (sku: string) =>
      db
        .selectFrom('stock')
        .select(['available', 'reserved'])
        .where('sku', '=', sku)
        .executeTakeFirstOrThrow(),
    /** The domain events of the order's shipment stream, in order. */
    async streamTypes(orderId: string) {
      const rows = await db
        .selectFrom('events')
        .select('type')
        .where('stream_id', '=', streamOf(orderId))
        .orderBy('version')
        .execute();
      return rows.map((r) => r.type);
    },
    /** Whether the service's consumer has taken (and committed) the message with this id. */
    async consumed(messageId: string) {
      const row = await db
        .selectFrom('inbox')
        .select('message_id')
        .where('consumer', '=', `${prefix}shipping`)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
      await service.stop();
    },
  };
}

export type ShippingHarness = Awaited<ReturnType<typeof startShippingHarness>>;

export const address = {
  recipient: 'Ada',
  line1: '1 Loop Rd',
  line2: null,
  city: 'Lisbon',
  postalCode: '1000-001',
  country: 'PT',
};

/** The OrderPlaced orders would publish for these lines. */
export function orderPlaced(
  orderId: string,
  lines: { sku: string; quantity: number }[],
  country = 'PT',
): EventDataMap['OrderPlaced'] & { orderId: string } {
  const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
  return {
    orderId,
    customerId: 'c-ada',
    items: lines.map((l) => ({ ...l, unitPrice: eur(1000) })),
    total: eur(lines.reduce((sum, l) => sum + l.quantity * 1000, 0)),
    shippingAddress: { ...address, country },
    placedAt: new Date(),
  };
}

export function paymentAuthorized(orderId: string): EventDataMap['PaymentAuthorized'] & {
  orderId: string;
} {
  return {
    orderId,
    paymentId: `p-${orderId}`,
    customerId: 'c-ada',
    amount: { amountMinor: 1000, currency: 'EUR' },
  };
}
