/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerSecond`; each request
 * takes one. Pure: the time comes in as an argument.
 */
export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

export interface BucketPolicy {
  ratePerSecond: number;
  burst: number;
}

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Takes one token from `bucket` (undefined: a full one) at `nowMs`; the bucket after, and the verdict. */
export function take(
  bucket: Bucket | undefined,
  policy: BucketPolicy,
  nowMs: number,
): { bucket: Bucket; admission: Admission } {
  const elapsed = bucket ? Math.max(0, nowMs - bucket.at) / 1000 : 0;
  const tokens = Math.min(
    policy.burst,
    (bucket?.tokens ?? policy.burst) + elapsed * policy.ratePerSecond,
  );
  if (tokens >= 1)
    return { bucket: { tokens: tokens - 1, at: nowMs }, admission: { allowed: true } };
  const retryAfterSeconds = (1 - tokens) / policy.ratePerSecond;
  return { bucket: { tokens, at: nowMs }, admission: { allowed: false, retryAfterSeconds } };
}

/**
 * One bucket per client key, in memory. A bucket that has refilled completely is
 * the same as none, so those are dropped now and then: memory stays bounded by the
 * clients active within the last `burst / rate` seconds.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    readonly policy: BucketPolicy,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(policy.ratePerSecond > 0) || !(policy.burst >= 1)) {
      throw new Error('a rate limit needs a positive rate and a burst of at least 1');
    }
  }

  admit(key: string): Admission {
    const now = this.clock();
    this.sweep(now);
    const { bucket, admission } = take(this.buckets.get(key), this.policy, now);
    this.buckets.set(key, bucket);
    return admission;
  }

  /** Clients with a bucket that is not yet full again. */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const refillMs = (this.policy.burst / this.policy.ratePerSecond) * 1000;
    if (now - this.lastSweep < refillMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= refillMs) this.buckets.delete(key);
    }
  }
}

/** The write limiter a service's config asks for; undefined when RATE_LIMIT_WRITE_PER_S is 0. */
export function writeRateLimiter(config: {
  RATE_LIMIT_WRITE_PER_S: number;
  RATE_LIMIT_WRITE_BURST?: number | undefined;
}): RateLimiter | undefined {
  const rate = config.RATE_LIMIT_WRITE_PER_S;
  if (rate === 0) return undefined;
  const burst = config.RATE_LIMIT_WRITE_BURST ?? Math.max(1, Math.ceil(rate * 2));
  return new RateLimiter({ ratePerSecond: rate, burst });
}
