/**
 * Errors carry their class. Following KafkaJS, `retriable === false` means that trying
 * again cannot help (a poison message, a domain rule, an undecodable value): the
 * consumer dead-letters it at once. Anything else is retried with backoff first.
 */
export class NonRetriableError extends Error {
  readonly retriable = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}

export function isRetriable(error: unknown): boolean {
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === false
  );
}

export type ExpectedVersion = number | 'any' | 'no_stream';

/** Optimistic concurrency: the stream was not at the version the caller decided on. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** A programming error in how a transaction takes its key locks; see `lockKeys`. */
export class KeyLockError extends NonRetriableError {
  constructor(message: string) {
    super(message);
    this.name = 'KeyLockError';
  }
}
