import type { EventHeaders, EventSerde, IntegrationEvent } from '@orderflow/events';
import { eventDefinitions, readHeaders } from '@orderflow/events';
import type { InboundMessage } from '@orderflow/messaging';
import { NonRetriableError } from '@orderflow/messaging';
import type { Causation } from './publish.js';

export interface DecodedMessage {
  event: IntegrationEvent;
  headers: EventHeaders;
  /** What the events this message causes should carry. */
  causation: Causation;
}

/**
 * Reads a consumed record: headers first (cheap, and a record without them is
 * dead-lettered without touching the registry), then the Avro value. Then checks that
 * the record belongs where it was found: its type is published on this topic, its
 * `ce_type` names that type, and its key is the order id (so per-order order holds).
 * Every failure is non-retriable: the consumer dead-letters the record, and no state
 * changes.
 */
export async function decodeMessage(
  serde: EventSerde,
  message: InboundMessage,
): Promise<DecodedMessage> {
  const headers = readHeaders(message.headers);
  const event = await serde.decode(message.value);
  const home = serde.topicOf(event.type);
  if (home !== message.topic) {
    throw new NonRetriableError(
      `${event.type} does not belong on ${message.topic} (it is published on ${home})`,
    );
  }
  if (headers.type !== eventDefinitions[event.type].fullName) {
    throw new NonRetriableError(
      `ce_type ${headers.type} does not match the value's type ${event.type}`,
    );
  }
  if (message.key !== event.data.orderId) {
    throw new NonRetriableError(
      `record key ${message.key ?? '(none)'} is not the event's orderId ${event.data.orderId}`,
    );
  }
  return {
    event,
    headers,
    causation: { correlationId: headers.correlationId, causationId: headers.id },
  };
}
