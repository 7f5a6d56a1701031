import { OrderflowError } from '@orderflow/decider';

// Every failure this library reports is an OrderflowError and carries `retriable`, the
// KafkaJS convention the consumer runtime relies on: `false` means retrying cannot help
// (the message goes to the dead-letter topic, the partition moves on); `true` means
// try again later.

/**
 * The registry could not be reached or failed on its side (network, 5xx, timeout).
 * `unavailable`: a consumer waits for it, as for its database, and never dead-letters
 * a record because the registry was away when it had to fetch the record's schema.
 */
export class RegistryUnavailableError extends OrderflowError {
  readonly retriable = true;
  readonly unavailable = true;
}

/** The registry refused a schema, e.g. as incompatible with an earlier version. */
export class SchemaRegistrationError extends OrderflowError {
  readonly retriable = false;

  constructor(
    readonly subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot register ${subject}: ${message}`, options);
  }
}

/** `encode` was called for an event whose schema id is unknown: `registerAll()` was not run. */
export class SchemaNotRegisteredError extends OrderflowError {
  readonly retriable = false;
}

/** The value given to `encode` does not match the event's schema. */
export class EncodeError extends OrderflowError {
  readonly retriable = false;

  constructor(
    readonly eventType: string,
    /** Paths of the offending fields, e.g. `total.amountMinor`. */
    readonly paths: string[],
    options?: { cause?: unknown },
  ) {
    super(`${eventType} does not match its schema at ${paths.join(', ') || '(root)'}`, options);
  }
}

/** A Kafka value that cannot be turned into an integration event. Never retriable. */
export abstract class DecodeError extends OrderflowError {
  readonly retriable = false;
}

/** The value does not start with the Confluent wire-format magic byte 0. */
export class WrongMagicByteError extends DecodeError {}

/** The registry does not know the schema id in the value. */
export class UnknownSchemaIdError extends DecodeError {
  constructor(
    readonly schemaId: number,
    options?: { cause?: unknown },
  ) {
    super(`schema id ${schemaId} is not in the registry`, options);
  }
}

/** The schema id names a record that is not in this service's event catalog. */
export class UnknownRecordError extends DecodeError {
  constructor(
    readonly schemaId: number,
    readonly recordName: string,
  ) {
    super(`schema id ${schemaId} is ${recordName}, which is not an integration event known here`);
  }
}

/** The bytes do not decode with the writer schema, or cannot be read into ours. */
export class PayloadMismatchError extends DecodeError {}

/** Required CloudEvents or correlation headers are missing or malformed. */
export class InvalidHeadersError extends OrderflowError {
  readonly retriable = false;

  constructor(readonly problems: string[]) {
    super(`invalid event headers: ${problems.join('; ')}`);
  }
}
