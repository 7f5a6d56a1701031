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
 * The one backoff: exponential from `initialDelayMs`, capped at `maxDelayMs`, with
 * jitter so that work failing together does not retry together. Full jitter (the
 * default) waits between 0 and the bound; equal jitter between half the bound and the
 * bound, for retries that should never come back at once (an SMTP server that just
 * refused); none waits the bound itself, for a single worker with no peers to spread
 * out from (the leader of a LeaderLoop). `attempt` is the attempt that just failed, from 1.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'> & {
    jitter?: 'full' | 'equal' | 'none';
  },
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  if (policy.jitter === 'none') return bound;
  return policy.jitter === 'equal'
    ? Math.round(bound / 2 + (random() * bound) / 2)
    : Math.floor(random() * bound);
}
