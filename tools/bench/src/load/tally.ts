import type { PostResult } from './http.js';
import type { Outcome } from './outcomes.js';

/** What became of a set of POST /orders: answers up front, outcomes later. */
export interface Tally {
  sent: number;
  /** 201 Created. */
  accepted: number;
  /** 429 or 503: refused up front (back-pressure), counted apart from failures. */
  refused: number;
  /** Distinct Retry-After values the refusals carried. */
  retryAfter: string[];
  /** Any other answer, or no answer. */
  errors: number;
  /** A few examples of the errors, for the report. */
  errorSamples: string[];
  confirmed: number;
  cancelled: number;
  cancelledByReason: Record<string, number>;
  /** Accepted, and neither confirmed nor cancelled when the bench stopped waiting. */
  unfinished: number;
  acceptedIds: string[];
}

/** Pure: counts answers, and outcomes when they are known. */
export function tally(
  sent: readonly PostResult[],
  outcomes?: ReadonlyMap<string, Outcome>,
  unfinished = 0,
): Tally {
  const result: Tally = {
    sent: sent.length,
    accepted: 0,
    refused: 0,
    retryAfter: [],
    errors: 0,
    errorSamples: [],
    confirmed: 0,
    cancelled: 0,
    cancelledByReason: {},
    unfinished,
    acceptedIds: [],
  };
  const retryAfter = new Set<string>();
  for (const o of sent) {
    if (o.status === 201 && o.orderId) {
      result.accepted++;
      result.acceptedIds.push(o.orderId);
      const outcome = outcomes?.get(o.orderId);
      if (outcome?.status === 'CONFIRMED') result.confirmed++;
      if (outcome?.status === 'CANCELLED') {
        result.cancelled++;
        const reason = outcome.reason ?? 'UNKNOWN';
        result.cancelledByReason[reason] = (result.cancelledByReason[reason] ?? 0) + 1;
      }
    } else if (o.status === 429 || o.status === 503) {
      result.refused++;
      if (o.retryAfter) retryAfter.add(o.retryAfter);
    } else {
      result.errors++;
      if (result.errorSamples.length < 3) result.errorSamples.push(o.error ?? `HTTP ${o.status}`);
    }
  }
  result.retryAfter = [...retryAfter];
  if (outcomes)
    result.unfinished = Math.max(unfinished, result.accepted - result.confirmed - result.cancelled);
  return result;
}
