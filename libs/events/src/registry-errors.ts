import type { OrderflowError } from '@orderflow/decider';
import { RegistryUnavailableError, SchemaRegistrationError } from './errors.js';

/** HTTP status of an error thrown by the registry client, if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

/**
 * The client (mappersmith underneath) reports a refused or reset connection as an HTTP
 * 400 whose message is the socket error, so the status alone cannot tell "the registry
 * is down" from "the registry rejected the request"; the message can.
 */
const transportFailure =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|timeout/i;

export function isTransportFailure(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined)
    return !(error instanceof Error) || transportFailure.test(error.message);
  if (status >= 500 || status === 408 || status === 429) return true;
  return status === 400 && error instanceof Error && transportFailure.test(error.message);
}

/** Wraps a registry failure during registration or lookup in the right error class. */
export function registryFailure(subject: string, error: unknown): OrderflowError {
  const message = error instanceof Error ? error.message : String(error);
  if (isTransportFailure(error)) {
    return new RegistryUnavailableError(`schema registry unavailable (${subject}): ${message}`, {
      cause: error,
    });
  }
  return new SchemaRegistrationError(subject, message, { cause: error });
}
