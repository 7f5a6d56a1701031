import { randomBytes, randomUUID } from 'node:crypto';
import type { EventSerde, Service } from '@orderflow/events';
import { eventDefinitions, eventTypesOf, HeaderNames } from '@orderflow/events';
import type { Outgoing, RawRecord } from './event-player.js';
import { recordOf } from './event-player.js';

/** Valid events to make poison of, for a fresh order id. */
export interface PoisonSamples {
  /** An event published on the topic under test, that its consumer acts on. */
  own(orderId: string): Outgoing;
  /** An event published on another topic. */
  foreign(orderId: string): Outgoing;
}

/** A record its consumer must dead-letter, and what the dead letter must say. */
export interface PoisonRecord {
  name: string;
  record: RawRecord;
  reason: string;
  errorClass: string;
  /** The ids it carries (order ids, event id): no table may mention them afterwards. */
  markers: string[];
}

/** A schema id no registry hands out (Apicurio counts from 1). */
const unknownSchemaId = 0x7fffffff;
const bigValueBytes = 900 * 1024;

/**
 * The records a client outside the project could write to `owner`'s topic that its
 * consumers must not act on, each about an order of its own: bytes that are not an
 * event (random, wrong magic byte, unknown schema id, 900 KB with a valid event at the
 * front), a valid event that does not belong there (a type of another topic, a
 * `ce_type` naming another type, a key that is not its order id), and a valid event
 * without `ce_id` or without a key.
 */
export async function poisonRecords(
  serde: EventSerde,
  owner: Service,
  samples: PoisonSamples,
): Promise<PoisonRecord[]> {
  const topic = serde.topics[owner];
  const own = async () => {
    const orderId = randomUUID();
    const event = samples.own(orderId);
    const record = await recordOf(serde, event);
    const value = record.value!;
    const markers = [orderId, record.headers[HeaderNames.id]!];
    return { orderId, type: event.type, record, value, markers };
  };

  const random = await own();
  const bytes = randomBytes(512);
  bytes[0] = 1 + (bytes[0]! % 255);

  const magic = await own();
  const wrongMagic = Buffer.from(magic.value);
  wrongMagic[0] = 1;

  const unknown = await own();
  const unknownId = Buffer.from(unknown.value);
  unknownId.writeInt32BE(unknownSchemaId, 1);

  const foreignOrder = randomUUID();
  const foreign = samples.foreign(foreignOrder);
  const foreignRecord = await recordOf(serde, foreign);

  const mislabelled = await own();
  const otherType = eventTypesOf(owner).find((t) => t !== mislabelled.type)!;
  const otherName = eventDefinitions[otherType].fullName;

  const rekeyed = await own();
  const wrongKey = randomUUID();

  const anonymous = await own();
  const { [HeaderNames.id]: _id, ...withoutId } = anonymous.record.headers;

  const keyless = await own();

  const big = await own();
  const padded = Buffer.concat([big.value, Buffer.alloc(bigValueBytes - big.value.length)]);

  // What the consumer's own checks throw (headers, key, topic, ce_type).
  const refused = 'NonRetriableError';
  return [
    {
      name: 'random bytes',
      record: { ...random.record, value: bytes },
      reason: `magic byte is ${bytes[0]}, expected 0`,
      errorClass: 'WrongMagicByteError',
      markers: random.markers,
    },
    {
      name: 'wrong magic byte',
      record: { ...magic.record, value: wrongMagic },
      reason: 'magic byte is 1, expected 0',
      errorClass: 'WrongMagicByteError',
      markers: magic.markers,
    },
    {
      name: 'unknown schema id',
      record: { ...unknown.record, value: unknownId },
      reason: `schema id ${unknownSchemaId} is not in the registry`,
      errorClass: 'UnknownSchemaIdError',
      markers: unknown.markers,
    },
    {
      name: `${foreign.type}, a type of another topic`,
      record: foreignRecord,
      reason: `${foreign.type} does not belong on ${topic} (it is published on ${serde.topicOf(foreign.type)})`,
      errorClass: refused,
      markers: [foreignOrder, foreignRecord.headers[HeaderNames.id]!],
    },
    {
      name: 'ce_type of another type',
      record: {
        ...mislabelled.record,
        headers: { ...mislabelled.record.headers, [HeaderNames.type]: otherName },
      },
      reason: `ce_type ${otherName} does not match the value's type ${mislabelled.type}`,
      errorClass: refused,
      markers: mislabelled.markers,
    },
    {
      name: 'key that is not the order id',
      record: { ...rekeyed.record, key: wrongKey },
      reason: `record key ${wrongKey} is not the event's orderId ${rekeyed.orderId}`,
      errorClass: refused,
      markers: [...rekeyed.markers, wrongKey],
    },
    {
      name: 'no ce_id',
      record: { ...anonymous.record, headers: withoutId },
      reason: 'record has no ce_id header',
      errorClass: refused,
      markers: anonymous.markers,
    },
    {
      name: 'no key',
      record: { ...keyless.record, key: null },
      reason: 'record has no key',
      errorClass: refused,
      markers: keyless.markers,
    },
    {
      name: '900 KB value',
      record: { ...big.record, value: padded },
      reason: `cannot decode ${big.type} written with schema id ${serde.schemaIdOf(big.type)}: trailing data`,
      errorClass: 'PayloadMismatchError',
      markers: big.markers,
    },
  ];
}
