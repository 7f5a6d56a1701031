import { isRetriable, isUnavailable } from '../errors.js';

/**
 * What a failed attempt says about the record:
 * - `unavailable`: the database (or the network to it) is down or restarting, or an
 *   error says it is `unavailable` (the schema registry). Nothing is wrong with the
 *   record; it is retried for as long as it takes, never dead-lettered, so a blip
 *   costs time, not messages.
 * - `conflict`: a deadlock or serialization failure with a concurrent transaction;
 *   trying again usually succeeds.
 * - `poison`: the error says trying again cannot help (`retriable === false`): a
 *   decider's DomainError, an undecodable value, a record whose history is missing.
 *   It is dead-lettered on its first attempt.
 * - `failed`: anything else; retried a bounded number of times, then dead-lettered.
 */
export type FailureKind = 'unavailable' | 'conflict' | 'poison' | 'failed';

// SQLSTATE classes 08 (connection exception), 57P01–57P03 (shutdown, crash, not yet
// accepting connections), 53300 (too many connections).
const unavailableStates = /^(08|57P0[123]$|53300$)/;
const unavailableNodeCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// node-postgres reports a dropped connection or a full, unreachable pool by message only.
const unavailableMessages =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable/i;

export function failureKind(error: unknown): FailureKind {
  if (!isRetriable(error)) return 'poison';
  if (isUnavailable(error)) return 'unavailable';
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (unavailableStates.test(code) || unavailableNodeCodes.has(code)) return 'unavailable';
    if (code === '40001' || code === '40P01') return 'conflict';
  }
  if (typeof message === 'string' && unavailableMessages.test(message)) return 'unavailable';
  return 'failed';
}
