import type { EventDefinition } from '../definitions.js';
import { cloudEventsSpecVersion, DeadLetterHeaderNames, HeaderNames } from '../header-names.js';

/** An AsyncAPI (JSON Schema draft 7) schema object. */
type Schema = Record<string, unknown>;

const text = (description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  ...extra,
});
const timestamp = (description: string) => text(description, { format: 'date-time' });
const decimal = (description: string) => text(description, { pattern: '^[0-9]+$' });

/**
 * The headers of an event record: CloudEvents 1.0 Kafka binary binding, W3C trace
 * context, correlation and causation. Given the event, the headers its type fixes are
 * constants.
 */
function eventHeaderProperties(event?: EventDefinition): Record<string, Schema> {
  const fixed = (value: string): Schema => (event ? { const: value } : {});
  return {
    [HeaderNames.id]: text(
      'CloudEvents id: the event id, unique per event; consumers dedupe on it.',
    ),
    [HeaderNames.type]: text(
      'CloudEvents type: the full name of the Avro record in the value, e.g. orderflow.orders.OrderPlaced.',
      fixed(event?.fullName ?? ''),
    ),
    [HeaderNames.source]: text(
      'CloudEvents source: the producing service, /orderflow/<service>.',
      fixed(`/orderflow/${event?.service ?? ''}`),
    ),
    [HeaderNames.specVersion]: text('CloudEvents spec version.', { const: cloudEventsSpecVersion }),
    [HeaderNames.time]: timestamp('CloudEvents time: when the event happened, RFC 3339 in UTC.'),
    [HeaderNames.subject]: text('CloudEvents subject: the orderId, equal to the record key.'),
    [HeaderNames.traceparent]: text(
      'W3C trace context (version 00) of the span that published the record. The consumer continues that trace, so that one order is one trace.',
      { pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
    ),
    [HeaderNames.tracestate]: text('W3C vendor trace state, when the trace has one.'),
    [HeaderNames.correlationId]: text('Shared by every event of one order saga.'),
    [HeaderNames.causationId]: text('Id of the event (or request) that caused this event.'),
  };
}

/** Headers of an event record, as its service publishes it (or a redrive re-publishes it). */
export function eventHeaders(event: EventDefinition): Schema {
  const properties = eventHeaderProperties(event);
  const required = Object.keys(properties).filter((name) => name !== HeaderNames.tracestate);
  return {
    type: 'object',
    required,
    properties: {
      ...properties,
      [DeadLetterHeaderNames.redrivenAt]: timestamp(
        'Only on a record re-produced from the dead-letter topic by a redrive: when. Key, value and the other headers are those first published, so consumers that handled it skip it.',
      ),
    },
  };
}

const deadLetterProperties: Record<
  Exclude<keyof typeof DeadLetterHeaderNames, 'redrivenAt'>,
  Schema
> = {
  reason: text('Why the record failed: the error message, at most 2,000 characters.'),
  errorClass: text('The class of the error, e.g. PayloadMismatchError or NonRetriableError.'),
  originalTopic: text('The topic the record was consumed from.'),
  originalPartition: decimal('Its partition there.'),
  originalOffset: decimal('Its offset there.'),
  consumerGroup: text('The consumer group that gave up on it: the consuming service.'),
  failedAt: timestamp('When it was dead-lettered, RFC 3339 in UTC.'),
  attempts: decimal('How many times it was tried before giving up (1 for a poison record).'),
};

/**
 * Headers of a dead-lettered record: the original record's headers as they came (any
 * may be missing: a record without them is one reason to dead-letter) and the `dlq-*`
 * headers that say what failed and where the record came from.
 */
export function deadLetterHeaders(): Schema {
  const added = Object.entries(deadLetterProperties).map(
    ([key, schema]) =>
      [DeadLetterHeaderNames[key as keyof typeof deadLetterProperties], schema] as const,
  );
  return {
    type: 'object',
    required: added.map(([name]) => name),
    properties: { ...eventHeaderProperties(), ...Object.fromEntries(added) },
  };
}
