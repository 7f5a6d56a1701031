import {
  deadLetterTopicOf,
  services,
  subjectName,
  subscriptions,
  Topics,
  type EventDefinition,
  type Service,
} from '../definitions.js';
import { HeaderNames } from '../header-names.js';
import { deadLetterHeaders, eventHeaders } from './headers.js';

const bindingVersion = '0.5.0';

const partitioning =
  "Key: the orderId as UTF-8, so each order's events keep their order. The partition is " +
  "the one the Java client's default partitioner picks: murmur2(key bytes) & 0x7fffffff, " +
  'modulo the partition count. Any other producer must pick the same (librdkafka: ' +
  'partitioner=murmur2_random; its default, consistent_random, puts keys elsewhere).';

const keySchema = { type: 'string', description: `The orderId. ${partitioning}` };

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The services whose topic someone consumes, and so has a dead-letter topic. */
const consumedServices = services.filter((p) => services.some((c) => p in subscriptions[c]));

/**
 * AsyncAPI 3 view of the contract. Channels: one per topic, with one message per record
 * (its self-contained Avro schema as payload), and one per dead-letter topic.
 * Operations: what each service publishes, consumes (as which group, acting on which
 * events) and dead-letters. Built from the same definitions as the types and the
 * consumers' subscriptions, so it cannot drift from what is registered.
 */
export function buildAsyncApi(events: readonly EventDefinition[]): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const eventsOf = (service: Service) => events.filter((e) => e.service === service);

  for (const service of services) {
    channels[service] = {
      address: Topics[service],
      title: Topics[service],
      description: `Integration events published by ${service}. ${partitioning}`,
      messages: Object.fromEntries(
        eventsOf(service).map((e) => [e.type, { $ref: `#/components/messages/${e.type}` }]),
      ),
      bindings: { kafka: { 'x-partitioner': 'murmur2', bindingVersion } },
    };
    operations[`${service}Publishes`] = {
      action: 'send',
      title: `${service} publishes`,
      summary: `Written to the outbox with the state change, published by the relay in commit order per orderId.`,
      channel: { $ref: `#/channels/${service}` },
      messages: eventsOf(service).map((e) => ({
        $ref: `#/channels/${service}/messages/${e.type}`,
      })),
    };
  }

  for (const producer of consumedServices) {
    const dlq = deadLetterTopicOf(Topics[producer]);
    channels[`${producer}DeadLetters`] = {
      address: dlq,
      title: dlq,
      description:
        `Records of ${Topics[producer]} that a consumer could not use: not decodable, not ` +
        'belonging on the topic, or failing until the retries ran out. The partition moves on ' +
        'past them. `npm run dlq` lists them and redrives them to their original topic.',
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    };
  }

  for (const consumer of services) {
    const consumed = Object.entries(subscriptions[consumer]) as [Service, readonly string[]][];
    for (const [producer, actsOn] of consumed) {
      operations[`${consumer}Consumes${capitalized(producer)}`] = {
        action: 'receive',
        title: `${consumer} consumes ${Topics[producer]}`,
        summary:
          `Every record, as consumer group ${consumer} (prefixed with KAFKA_TOPIC_PREFIX when ` +
          `set), at least once and deduplicated by ${HeaderNames.id}; acts on the events ` +
          'listed here and acknowledges the others unchanged.',
        channel: { $ref: `#/channels/${producer}` },
        messages: actsOn.map((type) => ({ $ref: `#/channels/${producer}/messages/${type}` })),
        bindings: { kafka: { groupId: { type: 'string', enum: [consumer] }, bindingVersion } },
      };
      operations[`${consumer}DeadLetters${capitalized(producer)}`] = {
        action: 'send',
        title: `${consumer} dead-letters ${Topics[producer]}`,
        channel: { $ref: `#/channels/${producer}DeadLetters` },
        messages: [{ $ref: `#/channels/${producer}DeadLetters/messages/DeadLetter` }],
      };
    }
  }

  for (const event of events) {
    const subject = subjectName(Topics[event.service], event.fullName);
    messages[event.type] = {
      name: event.type,
      title: event.fullName,
      summary: event.schema.doc ?? event.type,
      contentType: 'application/octet-stream',
      description: `Value: Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary), schema registered under subject \`${subject}\` (TopicRecordNameStrategy).`,
      headers: eventHeaders(event),
      correlationId: { location: `$message.header#/${HeaderNames.correlationId}` },
      payload: { schemaFormat: 'application/vnd.apache.avro;version=1.9.0', schema: event.schema },
      bindings: {
        kafka: {
          key: keySchema,
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicRecordNameStrategy',
          bindingVersion,
        },
      },
    };
  }
  messages['DeadLetter'] = {
    name: 'DeadLetter',
    title: 'Dead-lettered record',
    summary: 'A record a consumer gave up on, kept as it came, with why and where it failed.',
    contentType: 'application/octet-stream',
    headers: deadLetterHeaders(),
    correlationId: { location: `$message.header#/${HeaderNames.correlationId}` },
    payload: {
      type: 'string',
      format: 'binary',
      description:
        "The original record's value, byte for byte: one of the topic's events in Confluent " +
        'wire format, unless those bytes are the reason it failed.',
    },
    bindings: {
      kafka: { key: { type: 'string', description: 'The original key.' }, bindingVersion },
    },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'orderflow integration events',
      version: '1.0.0',
      description:
        'Avro-encoded events exchanged by the orders, payments, shipping and notifications ' +
        'services, who publishes and who consumes each, and the dead-letter topics. ' +
        'With KAFKA_TOPIC_PREFIX set, every topic, subject and consumer group carries the prefix. ' +
        'docs/integrating.md explains how to produce and consume from another language. ' +
        'Generated from libs/events/schemas; do not edit.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/octet-stream',
    channels,
    operations,
    components: { messages },
  };
}
