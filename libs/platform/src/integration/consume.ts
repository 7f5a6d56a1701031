import type { EventHeaders, EventSerde, IntegrationEvent } from '@orderflow/events';
import { readHeaders } from '@orderflow/events';
import type { InboundMessage } from '@orderflow/messaging';
import type { Causation } from './publish.js';

export interface DecodedMessage {
  event: IntegrationEvent;
  headers: EventHeaders;
  /** What the events this message causes should carry. */
  causation: Causation;
}

/**
 * Reads a consumed record: headers first (cheap, and a record without them is
 * dead-lettered without touching the registry), then the Avro value. Both throw
 * non-retriable errors for malformed input, which the consumer dead-letters.
 */
export async function decodeMessage(
  serde: EventSerde,
  message: InboundMessage,
): Promise<DecodedMessage> {
  const headers = readHeaders(message.headers);
  const event = await serde.decode(message.value);
  return {
    event,
    headers,
    causation: { correlationId: headers.correlationId, causationId: headers.id },
  };
}
