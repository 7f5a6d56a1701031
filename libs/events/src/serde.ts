import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { eventTypeOfFullName, type EventType, type IntegrationEvent } from './catalog.js';
import { subjectName, Topics, type TopicMap } from './definitions.js';
import {
  EncodeError,
  PayloadMismatchError,
  RegistryUnavailableError,
  SchemaNotRegisteredError,
  UnknownRecordError,
  UnknownSchemaIdError,
  WrongMagicByteError,
} from './errors.js';
import { eventDefinitions, eventTypes, type EventDataMap } from './generated/catalog.js';
import { isTransportFailure, registryFailure, statusOf } from './registry-errors.js';
import { avroOptions } from './timestamp.js';

export interface EventSerdeOptions {
  /** Confluent-compatible API root, e.g. `http://host:8081/apis/ccompat/v7` for Apicurio. */
  registryUrl: string;
  /** Where each service publishes; defaults to `Topics`. Decides the subject names. */
  topics?: TopicMap;
  clientId?: string;
  /** Attempts per registry request before a RegistryUnavailableError (default 3). */
  retries?: number;
  /**
   * How long one request to the registry may take (10 s by default). A registry that
   * accepts a connection and never answers then fails like one that is down, instead
   * of holding a service's start-up, or a consumer's first sight of a schema, forever.
   */
  requestTimeoutMs?: number;
}

/** What `decode` learned about a writer schema id, cached for the life of the serde. */
interface WriterPlan {
  type: EventType;
  /** The writer schema is exactly our reader schema: decode without resolution. */
  identical: boolean;
}

const headerLength = 5; // magic byte + 4-byte schema id (Confluent wire format)

/**
 * Avro encoding and decoding of integration events through the schema registry.
 * `registerAll()` runs once at start-up and warms the client's cache, so `encode` (called
 * while writing outbox rows) never waits on the registry. `decode` fetches an unknown
 * writer schema once per id and reads it into this build's schema, so consumers keep
 * working while producers roll out a compatible new version.
 */
export class EventSerde {
  readonly topics: TopicMap;
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<EventType, number>();
  private readonly readers = new Map<EventType, avro.Type>();
  private readonly writers = new Map<number, Promise<WriterPlan>>();

  constructor(options: EventSerdeOptions) {
    this.topics = options.topics ?? Topics;
    this.registry = new SchemaRegistry(
      {
        host: options.registryUrl,
        clientId: options.clientId ?? 'orderflow-events',
        retry: { retries: options.retries ?? 3 },
        middlewares: [requestTimeout(options.requestTimeoutMs ?? 10_000)],
      },
      // The client builds avsc types for every schema it fetches: give it our logical
      // types, or timestamps would decode as numbers instead of the generated Date.
      { [SchemaType.AVRO]: avroOptions() },
    );
  }

  topicOf(type: EventType): string {
    return this.topics[eventDefinitions[type].service];
  }

  subjectOf(type: EventType): string {
    return subjectName(this.topicOf(type), eventDefinitions[type].fullName);
  }

  /**
   * Registers each schema, or finds its id when it is already registered, and caches
   * the id. Lookup first, so that a service whose credentials may only read can start.
   * All types at once: a service starts after one round trip, not one per event type.
   */
  async registerAll(
    types: readonly EventType[] = eventTypes,
  ): Promise<ReadonlyMap<EventType, number>> {
    await Promise.all(types.map((type) => this.registerOne(type)));
    return new Map(types.map((type) => [type, this.schemaIdOf(type)]));
  }

  schemaIdOf(type: EventType): number {
    const id = this.ids.get(type);
    if (id === undefined) {
      throw new SchemaNotRegisteredError(
        `no schema id for ${type} (${this.subjectOf(type)}): call registerAll() at start-up`,
      );
    }
    return id;
  }

  /** Confluent wire format: magic byte 0, schema id (int32 BE), Avro binary. */
  async encode<K extends EventType>(type: K, data: EventDataMap[K]): Promise<Buffer> {
    const id = this.schemaIdOf(type);
    try {
      return await this.registry.encode(id, data);
    } catch (error) {
      const paths = validationPaths(error);
      if (paths) throw new EncodeError(type, paths, { cause: error });
      throw error;
    }
  }

  async decode(value: Buffer | null | undefined): Promise<IntegrationEvent> {
    if (!value || value.length < headerLength) {
      throw new PayloadMismatchError(
        `value has ${value?.length ?? 0} bytes, fewer than the ${headerLength}-byte wire-format header`,
      );
    }
    const magic = value.readUInt8(0);
    if (magic !== 0) throw new WrongMagicByteError(`magic byte is ${magic}, expected 0`);
    const schemaId = value.readInt32BE(1);
    const plan = await this.writerPlan(schemaId);
    try {
      const data: unknown = await this.registry.decode(
        value,
        plan.identical
          ? undefined
          : { [SchemaType.AVRO]: { readerSchema: this.reader(plan.type) } },
      );
      return { type: plan.type, data } as IntegrationEvent;
    } catch (error) {
      throw new PayloadMismatchError(
        `cannot decode ${plan.type} written with schema id ${schemaId}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  private async registerOne(type: EventType): Promise<void> {
    const subject = this.subjectOf(type);
    const schema = {
      type: SchemaType.AVRO as const,
      schema: JSON.stringify(eventDefinitions[type].schema),
    };
    try {
      let id: number;
      try {
        id = await this.registry.getRegistryIdBySchema(subject, schema);
      } catch (error) {
        // The client rethrows a 404 ("subject/schema not found") as a bare
        // ConfluentSchemaRegistryError and anything else as it came. Its error classes
        // are not exported, hence the check by name.
        if ((error as Error | undefined)?.name !== 'ConfluentSchemaRegistryError') throw error;
        try {
          ({ id } = await this.registry.register(schema, {
            subject,
            compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE,
          }));
        } catch (registerError) {
          // Services starting together race to register the same new subject (Apicurio
          // then reports its rule as already existing): the winner's schema is ours.
          id = await this.registry.getRegistryIdBySchema(subject, schema).catch(() => {
            throw registerError;
          });
        }
      }
      // The registry just confirmed that `id` is exactly our schema: give the client our
      // own avsc type for it (as its `register` does) instead of fetching it back, so
      // that encode never waits on the registry and start-up makes half the requests.
      this.registry.cache.setSchema(id, SchemaType.AVRO, this.reader(type));
      this.ids.set(type, id);
    } catch (error) {
      throw registryFailure(subject, error);
    }
  }

  private writerPlan(schemaId: number): Promise<WriterPlan> {
    let plan = this.writers.get(schemaId);
    if (!plan) {
      plan = this.planFor(schemaId);
      this.writers.set(schemaId, plan);
      // Do not cache a failure: an unreachable registry may be back on the next try.
      plan.catch(() => this.writers.delete(schemaId));
    }
    return plan;
  }

  private async planFor(schemaId: number): Promise<WriterPlan> {
    let writer: avro.Type;
    try {
      writer = (await this.registry.getSchema(schemaId)) as unknown as avro.Type;
    } catch (error) {
      if (statusOf(error) === 404) throw new UnknownSchemaIdError(schemaId, { cause: error });
      if (isTransportFailure(error)) {
        throw new RegistryUnavailableError(`cannot fetch schema id ${schemaId}: ${String(error)}`, {
          cause: error,
        });
      }
      throw new PayloadMismatchError(`schema id ${schemaId} is unusable: ${String(error)}`, {
        cause: error,
      });
    }
    const recordName = avro.Type.isType(writer) ? writer.name : undefined;
    const type = recordName === undefined ? undefined : eventTypeOfFullName(recordName);
    if (type === undefined) throw new UnknownRecordError(schemaId, recordName ?? '(not Avro)');
    const reader = this.reader(type);
    try {
      reader.createResolver(writer);
    } catch (error) {
      throw new PayloadMismatchError(
        `schema id ${schemaId} (${recordName}) cannot be read as this build's ${type}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return { type, identical: reader.equals(writer) };
  }

  private reader(type: EventType): avro.Type {
    let reader = this.readers.get(type);
    if (!reader) {
      reader = avro.Type.forSchema(eventDefinitions[type].schema as avro.Schema, avroOptions());
      this.readers.set(type, reader);
    }
    return reader;
  }
}

/** Field paths from the client's validation error, or undefined for any other error. */
function validationPaths(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'ConfluentSchemaRegistryValidationError') {
    return undefined;
  }
  const paths = (error as Error & { paths?: unknown }).paths;
  return Array.isArray(paths) ? paths.map((p) => (Array.isArray(p) ? p.join('.') : String(p))) : [];
}

type RegistryMiddleware = NonNullable<
  ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']
>[number];

/** Gives every request of the registry client (mappersmith) a timeout, unless it has one. */
function requestTimeout(timeoutMs: number): RegistryMiddleware {
  return () => ({
    async prepareRequest(next) {
      const request = await next();
      return request.timeout() ? request : request.enhance({ timeout: timeoutMs });
    },
  });
}
