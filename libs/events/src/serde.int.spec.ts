import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { stack, uniqueName } from '@orderflow/testing';
import {
  EncodeError,
  eventDefinitions,
  EventSerde,
  eventTypes,
  PayloadMismatchError,
  RegistryUnavailableError,
  SchemaNotRegisteredError,
  UnknownRecordError,
  UnknownSchemaIdError,
  WrongMagicByteError,
  type TopicMap,
} from './index.js';
import { samples } from './test-support/samples.js';

const registryUrl = stack.endpoints.registryUrl;

/** Unique topics per test, so subjects never collide across runs or with services. */
function uniqueTopics(): TopicMap {
  const prefix = uniqueName('events');
  return {
    orders: `${prefix}.orders.events`,
    payments: `${prefix}.payments.events`,
    shipping: `${prefix}.shipping.events`,
    notifications: `${prefix}.notifications.events`,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('EventSerde against the real registry', () => {
  const topics = uniqueTopics();
  const serde = new EventSerde({ registryUrl, topics });
  const raw = new SchemaRegistry({ host: registryUrl });

  beforeAll(async () => {
    await serde.registerAll();
  });

  it('registers every event under <topic>-<full name> and finds the same ids again', async () => {
    for (const type of eventTypes) {
      const subject = serde.subjectOf(type);
      expect(subject).toBe(
        `${topics[eventDefinitions[type].service]}-${eventDefinitions[type].fullName}`,
      );
      expect(await raw.getLatestSchemaId(subject)).toBe(serde.schemaIdOf(type));
    }
    const again = new EventSerde({ registryUrl, topics });
    const ids = await again.registerAll();
    expect([...ids]).toEqual(eventTypes.map((t) => [t, serde.schemaIdOf(t)]));
  });

  it('lets services that start together register the same new subjects at once', async () => {
    const shared = uniqueTopics();
    const racers = Array.from({ length: 4 }, () => new EventSerde({ registryUrl, topics: shared }));
    const results = await Promise.all(racers.map((r) => r.registerAll()));
    for (const ids of results) expect([...ids]).toEqual([...results[0]!]);
  });

  it.each(eventTypes)(
    'encodes %s in the wire format and decodes it to the same value',
    async (type) => {
      const value = await serde.encode(type, samples[type]);
      expect(value.readUInt8(0)).toBe(0);
      expect(value.readInt32BE(1)).toBe(serde.schemaIdOf(type));
      // A separate instance, as a consumer in another service would be.
      const consumer = new EventSerde({ registryUrl, topics });
      expect(await consumer.decode(value)).toEqual({ type, data: samples[type] });
    },
  );

  it('refuses to encode before registerAll and rejects a value that breaks the schema', async () => {
    const fresh = new EventSerde({ registryUrl, topics });
    const notRegistered = await rejection(
      fresh.encode('ShipmentCancelled', samples.ShipmentCancelled),
    );
    expect(notRegistered).toBeInstanceOf(SchemaNotRegisteredError);
    const invalid = { ...samples.PaymentAuthorized, amount: { amountMinor: 1.5, currency: 'EUR' } };
    const error = await rejection(serde.encode('PaymentAuthorized', invalid));
    expect(error).toBeInstanceOf(EncodeError);
    expect(error).toMatchObject({ retriable: false, paths: ['amount.amountMinor'] });
  });

  it('reports a wrong magic byte, an unknown id and garbage as non-retriable decode errors', async () => {
    const good = await serde.encode('OrderConfirmed', samples.OrderConfirmed);
    const wrongMagic = Buffer.from(good);
    wrongMagic.writeUInt8(1, 0);
    const unknownId = Buffer.from(good);
    unknownId.writeInt32BE(2_000_000_000, 1);
    const truncated = good.subarray(0, good.length - 3);
    const errors = await Promise.all(
      [wrongMagic, unknownId, truncated, Buffer.from([0, 0]), null].map((v) =>
        rejection(serde.decode(v)),
      ),
    );
    expect(errors.map((e) => (e as Error).constructor.name)).toEqual([
      WrongMagicByteError.name,
      UnknownSchemaIdError.name,
      PayloadMismatchError.name,
      PayloadMismatchError.name,
      PayloadMismatchError.name,
    ]);
    expect(errors.every((e) => (e as { retriable: unknown }).retriable === false)).toBe(true);
  });

  it('reports a record that is not in the catalog as UnknownRecordError', async () => {
    const topic = uniqueName('foreign');
    const schema = {
      type: 'record' as const,
      name: 'Unrelated',
      namespace: 'elsewhere.things',
      fields: [{ name: 'orderId', type: 'string' }],
    };
    const { id } = await raw.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `${topic}-elsewhere.things.Unrelated` },
    );
    const value = await raw.encode(id, { orderId: 'o-1' });
    const error = await rejection(serde.decode(value));
    expect(error).toBeInstanceOf(UnknownRecordError);
    expect(error).toMatchObject({ retriable: false, recordName: 'elsewhere.things.Unrelated' });
  });

  it('reads data written with a newer compatible version into this build’s type', async () => {
    // A producer already on v2 of OrderCancelled (one more optional field) writes; a
    // consumer on v1 (this build) must get exactly its own shape back.
    const v1 = eventDefinitions.OrderCancelled.schema;
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'refundId', type: ['null', 'string'], default: null }],
    };
    const subject = serde.subjectOf('OrderCancelled');
    const { id } = await raw.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v2) },
      { subject, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
    );
    expect(id).not.toBe(serde.schemaIdOf('OrderCancelled'));
    // The raw client has no logical types: it writes the timestamp as a plain long.
    const written = await raw.encode(id, {
      ...samples.OrderCancelled,
      cancelledAt: samples.OrderCancelled.cancelledAt.getTime(),
      refundId: 'r-1',
    });
    expect(await serde.decode(written)).toEqual({
      type: 'OrderCancelled',
      data: samples.OrderCancelled,
    });
  });

  it('fails registration with a retriable error while the registry is unreachable', async () => {
    const offline = new EventSerde({
      registryUrl: 'http://127.0.0.1:1/apis/ccompat/v7',
      retries: 0,
    });
    const error = await rejection(offline.registerAll(['OrderPlaced']));
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(error).toMatchObject({ retriable: true });
    const decodeError = await rejection(
      offline.decode(await serde.encode('OrderPlaced', samples.OrderPlaced)),
    );
    expect(decodeError).toBeInstanceOf(RegistryUnavailableError);
  });
});
