import { OrderflowError } from '@orderflow/decider';

/**
 * Trying again cannot help (a poison message, a record whose history is missing): the
 * consumer dead-letters it at once. Domain rules throw DomainError, which is just as
 * final; anything that is not an OrderflowError is retried with backoff first.
 */
export class NonRetriableError extends OrderflowError {
  readonly retriable = false;
}

/** `retriable === false` on any error (ours, KafkaJS's) means: do not try again. */
export function isRetriable(error: unknown): boolean {
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === false
  );
}

/**
 * `unavailable === true` on an error means: something the record needs (a schema
 * registry, say) is down, and the record itself is fine. The consumer waits it out, as
 * it does a database that is down, and never dead-letters the record for it.
 */
export function isUnavailable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { unavailable?: unknown }).unavailable === true
  );
}

export type ExpectedVersion = number | 'any' | 'no_stream';

/**
 * Optimistic concurrency: the stream was not at the version the caller decided on.
 * Retriable: another attempt reads the stream again and decides on what is there.
 */
export class WrongExpectedVersionError extends OrderflowError {
  readonly retriable = true;

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
  }
}

/** A programming error in how a transaction takes its key locks; see `lockKeys`. */
export class KeyLockError extends NonRetriableError {}
