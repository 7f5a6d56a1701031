import { randomUUID } from 'node:crypto';
import type {
  EventDataMap,
  EventHeaders,
  EventType,
  IntegrationEvent,
  Service,
  TopicMap,
} from '@orderflow/events';
import { buildHeaders, EventSerde, HeaderNames, readHeaders } from '@orderflow/events';
import { defaultDeadLetterTopic, headersToStrings } from '@orderflow/messaging';
import { stack, testKafka, uniqueName } from '@orderflow/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { prefixedTopics } from '../integration/runtime.js';

export interface Outgoing<K extends EventType = EventType> {
  type: K;
  data: EventDataMap[K] & { orderId: string };
  correlationId?: string;
  /** The ce_id; a fresh one unless a test re-delivers an event on purpose. */
  id?: string;
}

export interface Observed {
  event: IntegrationEvent;
  key: string | null;
  headers: EventHeaders;
}

/**
 * Plays the other services in a service's test: produces their events with the real
 * serde and CloudEvents headers under the test's topic prefix, and records what the
 * service under test publishes (and, if asked, what it dead-letters).
 */
export class EventPlayer {
  readonly topics: TopicMap;
  readonly serde: EventSerde;
  readonly published: Observed[] = [];
  readonly deadLetters: { topic: string; key: string | null; headers: Record<string, string> }[] =
    [];
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;

  /** `kafka`: the shared stack's broker unless a test brings its own (a secure one, say). */
  constructor(
    prefix: string,
    private readonly kafka: Kafka = testKafka(),
  ) {
    this.topics = prefixedTopics(prefix);
    this.serde = new EventSerde({ registryUrl: stack.endpoints.registryUrl, topics: this.topics });
  }

  /**
   * Call after the service started (it creates the topics). Observes `observe`'s
   * topic and the dead-letter topics of `deadLettersOf`.
   */
  async start(observe: Service, deadLettersOf: readonly Service[] = []): Promise<this> {
    await this.serde.registerAll();
    this.producer = this.kafka.producer();
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: uniqueName(`${observe}-observer`) });
    await this.consumer.connect();
    const dlqs = new Set(deadLettersOf.map((s) => defaultDeadLetterTopic(this.topics[s])));
    await this.consumer.subscribe({ topics: [this.topics[observe], ...dlqs], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString() ?? null;
        if (dlqs.has(topic)) {
          this.deadLetters.push({ topic, key, headers: headersToStrings(message.headers) });
          return;
        }
        this.published.push({
          event: await this.serde.decode(message.value),
          key,
          headers: readHeaders(message.headers),
        });
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /** Sends the events in order, each to its service's topic keyed by order id; returns their ce_ids. */
  async send(...events: Outgoing[]): Promise<string[]> {
    if (!this.producer) throw new Error('player not started');
    const ids: string[] = [];
    for (const e of events) {
      const record = await recordOf(this.serde, e);
      ids.push(record.headers[HeaderNames.id]!);
      await this.producer.send({ topic: this.serde.topicOf(e.type), messages: [record] });
    }
    return ids;
  }

  /** What the service published about this order, optionally of one type. */
  publishedFor(orderId: string, type?: EventType): Observed[] {
    return this.published.filter(
      (m) => m.event.data.orderId === orderId && (!type || m.event.type === type),
    );
  }
}

/** A Kafka record as any client could write it: a raw key, value and headers. */
export interface RawRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * The record the event's producing service would write: keyed by order id, the Avro
 * value in the wire format, and CloudEvents headers (`ce_id` fresh unless given).
 */
export async function recordOf(serde: EventSerde, e: Outgoing): Promise<RawRecord> {
  const headers = buildHeaders({
    id: e.id ?? randomUUID(),
    type: e.type,
    source: '/test',
    time: new Date(),
    subject: e.data.orderId,
    correlationId: e.correlationId ?? `corr-${e.data.orderId}`,
    causationId: randomUUID(),
  });
  return {
    key: e.data.orderId,
    value: await serde.encode(e.type, e.data),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
  };
}
