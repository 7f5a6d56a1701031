/**
 * When to refuse a new order (ADR 0004). An accepted order is a promise to finish it
 * before the saga deadline; the orders API keeps that promise by refusing new orders
 * up front when the sagas already in flight would take longer than `queueSeconds` to
 * drain at the rate the system is finishing them now (Little's law). The floor lets
 * a cold or idle system accept work before it has a rate to go by.
 */
export interface AdmissionPolicy {
  /** In-flight orders always allowed, whatever the measured rate. */
  minInFlight: number;
  /** How long the orders in flight may take to drain; well under the saga deadline. */
  queueSeconds: number;
}

export interface LoadSignal {
  /** Orders placed and not yet CONFIRMED or CANCELLED. */
  inFlight: number;
  /** Orders reaching CONFIRMED or CANCELLED per second, smoothed. */
  completionsPerSecond: number;
}

export type Admission = { admit: true } | { admit: false; retryAfterSeconds: number };

export function admissionLimit(policy: AdmissionPolicy, signal: LoadSignal): number {
  return Math.max(
    policy.minInFlight,
    Math.floor(signal.completionsPerSecond * policy.queueSeconds),
  );
}

export function admit(policy: AdmissionPolicy, signal: LoadSignal): Admission {
  const limit = admissionLimit(policy, signal);
  if (signal.inFlight < limit) return { admit: true };
  // When enough of the excess will have drained for this order to fit, bounded so
  // clients neither hammer nor give up.
  const rate = Math.max(1, signal.completionsPerSecond);
  const seconds = Math.ceil((signal.inFlight - limit + 1) / rate);
  return { admit: false, retryAfterSeconds: Math.min(30, Math.max(1, seconds)) };
}

/**
 * Exponentially weighted moving average of a rate, for samples taken at uneven
 * intervals: each sample weighs by how long it covers against the time constant, so
 * one busy or idle interval moves the estimate without making it jump.
 */
export function smoothRate(
  previous: number | undefined,
  sample: number,
  intervalSeconds: number,
  timeConstantSeconds: number,
): number {
  if (previous === undefined) return sample;
  const weight = 1 - Math.exp(-intervalSeconds / timeConstantSeconds);
  return previous + weight * (sample - previous);
}
