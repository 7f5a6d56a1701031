import { RateLimiter, take, writeRateLimiter } from './rate-limit.js';

describe('take (token bucket)', () => {
  const policy = { ratePerSecond: 2, burst: 3 };

  it('admits a burst from a full bucket, then refuses with the wait for the next token', () => {
    let bucket;
    const verdicts = [];
    for (let i = 0; i < 4; i++) {
      const result = take(bucket, policy, 1_000);
      bucket = result.bucket;
      verdicts.push(result.admission);
    }
    expect(verdicts).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, retryAfterSeconds: 0.5 },
    ]);
  });

  it('refills at the rate, never above the burst', () => {
    const empty = { tokens: 0, at: 0 };
    expect(take(empty, policy, 250).admission).toEqual({ allowed: false, retryAfterSeconds: 0.25 });
    expect(take(empty, policy, 500).admission).toEqual({ allowed: true });
    expect(take(empty, policy, 60_000).bucket).toEqual({ tokens: 2, at: 60_000 });
  });

  it('does not refill when the clock goes backwards', () => {
    expect(take({ tokens: 0, at: 5_000 }, policy, 1_000).admission.allowed).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per client and forgets the ones that refilled', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, () => now);
    expect(limiter.admit('a').allowed).toBe(true);
    expect(limiter.admit('a').allowed).toBe(false);
    expect(limiter.admit('b').allowed).toBe(true);
    expect(limiter.size).toBe(2);
    now = 10_000;
    expect(limiter.admit('c').allowed).toBe(true);
    expect(limiter.size).toBe(1);
    expect(limiter.admit('a').allowed).toBe(true);
  });

  it('comes from the config: off at 0, burst twice the rate by default', () => {
    expect(writeRateLimiter({ RATE_LIMIT_WRITE_PER_S: 0 })).toBeUndefined();
    expect(writeRateLimiter({ RATE_LIMIT_WRITE_PER_S: 5 })?.policy).toEqual({
      ratePerSecond: 5,
      burst: 10,
    });
    expect(
      writeRateLimiter({ RATE_LIMIT_WRITE_PER_S: 0.5, RATE_LIMIT_WRITE_BURST: 3 })?.policy,
    ).toEqual({ ratePerSecond: 0.5, burst: 3 });
  });
});
