import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventHeaders, IntegrationEvent, TopicMap } from '@orderflow/events';
import { buildHeaders, EventSerde, readHeaders, Topics } from '@orderflow/events';
import { defaultDeadLetterTopic, headersToStrings } from '@orderflow/messaging';
import { stack, testKafka, uniqueName } from '@orderflow/testing';
import type { Consumer, Producer } from 'kafkajs';

type OrderEventType = 'OrderPlaced' | 'OrderConfirmed' | 'OrderCancelled';

export interface Outgoing<K extends OrderEventType = OrderEventType> {
  type: K;
  data: EventDataMap[K];
  correlationId: string;
  /** The ce_id; a fresh one unless a test re-delivers an event on purpose. */
  id?: string;
}

export interface Observed {
  event: IntegrationEvent;
  key: string | null;
  headers: EventHeaders;
}

/**
 * Plays the orders service for a notifications test: produces orders.events with the
 * real serde and CloudEvents headers under the test's topic prefix, and records what
 * notifications publishes and what it dead-letters.
 */
export class OrdersPlayer {
  readonly topics: TopicMap;
  readonly serde: EventSerde;
  readonly published: Observed[] = [];
  readonly deadLetters: { key: string | null; headers: Record<string, string> }[] = [];
  private readonly kafka = testKafka();
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;

  constructor(prefix: string) {
    this.topics = Object.fromEntries(
      Object.entries(Topics).map(([k, v]) => [k, prefix + v]),
    ) as TopicMap;
    this.serde = new EventSerde({ registryUrl: stack.endpoints.registryUrl, topics: this.topics });
  }

  /** Call after the service started: it creates the topics this subscribes to. */
  async start(): Promise<void> {
    await this.serde.registerAll();
    this.producer = this.kafka.producer();
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: uniqueName('notifications-observer') });
    await this.consumer.connect();
    const dlq = defaultDeadLetterTopic(this.topics.orders);
    await this.consumer.subscribe({
      topics: [this.topics.notifications, dlq],
      fromBeginning: true,
    });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString() ?? null;
        if (topic === dlq) {
          this.deadLetters.push({ key, headers: headersToStrings(message.headers) });
          return;
        }
        this.published.push({
          event: await this.serde.decode(message.value),
          key,
          headers: readHeaders(message.headers),
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /** Sends the events in one batch, in order, keyed by order id; returns their ce_ids. */
  async send(...events: Outgoing[]): Promise<string[]> {
    if (!this.producer) throw new Error('player not started');
    const ids = events.map((e) => e.id ?? randomUUID());
    const messages = await Promise.all(
      events.map(async (e, i) => ({
        key: e.data.orderId,
        value: await this.serde.encode(e.type, e.data),
        headers: buildHeaders({
          id: ids[i]!,
          type: e.type,
          source: '/test',
          time: new Date(),
          subject: e.data.orderId,
          correlationId: e.correlationId,
          causationId: randomUUID(),
        }),
      })),
    );
    await this.producer.send({ topic: this.topics.orders, messages });
    return ids;
  }

  notificationsSent(orderId: string): Observed[] {
    return this.published.filter(
      (m) => m.event.type === 'NotificationSent' && m.event.data.orderId === orderId,
    );
  }
}

/** An OrderPlaced of 30.00 EUR for a new order id. */
export function orderPlaced(customerId: string, orderId: string = randomUUID()) {
  return {
    type: 'OrderPlaced' as const,
    data: {
      orderId,
      customerId,
      items: [
        { sku: 'SKU-1', quantity: 2, unitPrice: { amountMinor: 1250, currency: 'EUR' } },
        { sku: 'SKU-2', quantity: 1, unitPrice: { amountMinor: 500, currency: 'EUR' } },
      ],
      total: { amountMinor: 3000, currency: 'EUR' },
      shippingAddress: {
        recipient: 'Ada',
        line1: '1 Loop Rd',
        line2: null,
        city: 'Lisbon',
        postalCode: '1000-001',
        country: 'PT',
      },
      placedAt: new Date(),
    },
  };
}

export const orderConfirmed = (orderId: string) => ({
  type: 'OrderConfirmed' as const,
  data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: new Date() },
});
