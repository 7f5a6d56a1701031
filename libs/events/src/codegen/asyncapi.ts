import { services, Topics } from '../definitions.js';
import { HeaderNames } from '../header-names.js';
import type { LoadedCatalog } from '../schemas/load.js';

const headerDocs: Record<keyof typeof HeaderNames, [required: boolean, description: string]> = {
  id: [true, 'CloudEvents id: the event id, unique per event; consumers dedupe on it.'],
  type: [true, 'CloudEvents type: the full Avro record name, e.g. orderflow.orders.OrderPlaced.'],
  source: [true, 'CloudEvents source: the producing service, e.g. /orderflow/orders.'],
  specVersion: [true, 'CloudEvents spec version, always 1.0.'],
  time: [true, 'CloudEvents time: when the event happened, RFC 3339 in UTC.'],
  subject: [true, 'CloudEvents subject: the orderId, as in the message key.'],
  traceparent: [false, 'W3C trace context of the span that wrote the event.'],
  tracestate: [false, 'W3C vendor trace state, when present.'],
  correlationId: [true, 'Shared by every event of one order saga.'],
  causationId: [true, 'Id of the event (or request) that caused this event.'],
};

const headers = {
  type: 'object',
  required: Object.entries(headerDocs)
    .filter(([, [required]]) => required)
    .map(([key]) => HeaderNames[key as keyof typeof HeaderNames]),
  properties: Object.fromEntries(
    Object.entries(headerDocs).map(([key, [, description]]) => [
      HeaderNames[key as keyof typeof HeaderNames],
      { type: 'string', description },
    ]),
  ),
};

/**
 * AsyncAPI 3 view of the contract: one channel per topic, one message per record with
 * its self-contained Avro schema as payload. Built from the same catalog as the types,
 * so it cannot drift from what is registered.
 */
export function buildAsyncApi(catalog: LoadedCatalog): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const service of services) {
    const events = catalog.events.filter((e) => e.service === service);
    channels[service] = {
      address: Topics[service],
      title: Topics[service],
      description: `Integration events published by ${service}. Key: orderId, so each order's events keep their order.`,
      messages: Object.fromEntries(
        events.map((e) => [e.type, { $ref: `#/components/messages/${e.type}` }]),
      ),
    };
    operations[`${service}Publishes`] = {
      action: 'send',
      title: `${service} publishes`,
      channel: { $ref: `#/channels/${service}` },
      messages: events.map((e) => ({ $ref: `#/channels/${service}/messages/${e.type}` })),
    };
  }
  for (const event of catalog.events) {
    messages[event.type] = {
      name: event.type,
      title: event.fullName,
      summary: event.schema.doc ?? event.type,
      contentType: 'application/octet-stream',
      description: `Value: Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), subject \`${Topics[event.service]}-${event.fullName}\`.`,
      headers,
      correlationId: { location: `$message.header#/${HeaderNames.correlationId}` },
      payload: { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: event.schema },
      bindings: {
        kafka: {
          key: { type: 'string', description: 'orderId' },
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicRecordNameStrategy',
          bindingVersion: '0.5.0',
        },
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'orderflow integration events',
      version: '1.0.0',
      description:
        'Avro-encoded events exchanged by the orders, payments, shipping and notifications services. Generated from libs/events/schemas; do not edit.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/octet-stream',
    channels,
    operations,
    components: { messages },
  };
}
