import type { EventDataMap, EventType } from '@orderflow/events';
import type { RunningService } from '@orderflow/platform/testing';
import { EventPlayer, startServiceForTest } from '@orderflow/platform/testing';
import { uniqueName } from '@orderflow/testing';
import type { Kysely } from 'kysely';
import { startShipping } from '../app.js';
import { streamOf } from '../features/shipment-commands.js';
import type { ShippingDatabase } from '../infra/database.js';

/**
 * Shipping in-process against real Postgres, Kafka and the registry, under a unique
 * topic prefix. The test plays orders and payments: it writes their events and
 * reads shipping.events.
 */
export async function startShippingHarness(name: string) {
  const prefix = `${uniqueName(name)}.`;
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
  const player = await new EventPlayer(prefix).start('shipping');
  const db = service.database.db as Kysely<ShippingDatabase>;

  /** Produces an event as its owning service would; returns its ce_id. */
  async function send<K extends EventType>(
    type: K,
    data: EventDataMap[K] & { orderId: string },
    { id, correlationId }: { id?: string; correlationId?: string } = {},
  ): Promise<string> {
    const [sent] = await player.send({ type, data, id, correlationId });
    return sent!;
  }

  return {
    service,
    serde: player.serde,
    db,
    seen: player.published,
    send,
    published: (orderId: string, type?: EventType) => player.publishedFor(orderId, type),
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
      await player.stop();
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
