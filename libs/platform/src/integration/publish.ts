import { randomUUID } from 'node:crypto';
import type { EventDataMap, EventSerde, EventType } from '@orderflow/events';
import { buildHeaders } from '@orderflow/events';
import type { OutboxMessage } from '@orderflow/messaging';

/** Where an event came from in the saga: who caused it and which run it belongs to. */
export interface Causation {
  /** Shared by every event of one order's saga; starts at the HTTP request. */
  correlationId: string;
  /** The event id (or request id) that caused this event. */
  causationId: string;
}

/**
 * Turns integration events into outbox rows: Avro value (schema ids cached at
 * start-up, so no registry call here), the order id as key, and CloudEvents headers.
 * Trace context is added by the outbox itself when the row is written.
 */
export class EventPublisher {
  constructor(
    private readonly serde: EventSerde,
    /** CloudEvents `source`, e.g. `/orderflow/orders`. */
    private readonly source: string,
  ) {}

  async message<K extends EventType>(
    type: K,
    data: EventDataMap[K] & { orderId: string },
    causation: Causation,
    time: Date,
    id: string = randomUUID(),
  ): Promise<OutboxMessage> {
    const headers = buildHeaders({
      id,
      type,
      source: this.source,
      time,
      subject: data.orderId,
      ...causation,
    });
    return {
      topic: this.serde.topicOf(type),
      key: data.orderId,
      value: await this.serde.encode(type, data),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
    };
  }
}
