export interface RetryPolicy {
  /** Attempts in total, the first included, before the message is dead-lettered. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
};

/**
 * Exponential backoff with full jitter: a random delay between 0 and the capped
 * exponential bound, so that consumers failing together do not retry together.
 * `attempt` is the attempt that just failed, from 1.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * bound);
}
