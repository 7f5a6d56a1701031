/**
 * The one base of the project's errors. Following KafkaJS, every error says whether
 * trying again can help: `retriable === false` means it cannot (a domain rule, an
 * undecodable value, a programming error), so a consumer dead-letters the record at
 * once; `true` means a later attempt may succeed (a network blip, a version conflict),
 * so it is retried with backoff first. Errors that are not an OrderflowError count as
 * retriable.
 */
export abstract class OrderflowError extends Error {
  abstract readonly retriable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A domain rule refused a command. The same command against the same history gets the
 * same answer, so it is never retriable: HTTP answers it with a 4xx, a consumer
 * dead-letters the record without retrying it.
 */
export class DomainError extends OrderflowError {
  readonly retriable = false;
}
