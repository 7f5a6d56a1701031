import { admissionLimit, admit, smoothRate } from './admission-policy.js';

const policy = { minInFlight: 100, queueSeconds: 10 };

describe('admission policy', () => {
  it('admits up to the floor before any rate is known', () => {
    expect(admit(policy, { inFlight: 99, completionsPerSecond: 0 })).toEqual({ admit: true });
    expect(admit(policy, { inFlight: 100, completionsPerSecond: 0 })).toEqual({
      admit: false,
      retryAfterSeconds: 1,
    });
  });

  it('allows as many in flight as drain within the queue time at the measured rate', () => {
    expect(admissionLimit(policy, { inFlight: 0, completionsPerSecond: 250 })).toBe(2_500);
    expect(admit(policy, { inFlight: 2_499, completionsPerSecond: 250 })).toEqual({ admit: true });
    expect(admit(policy, { inFlight: 2_500, completionsPerSecond: 250 }).admit).toBe(false);
  });

  it('asks to retry once the excess has drained, between 1 and 30 seconds', () => {
    expect(admit(policy, { inFlight: 3_000, completionsPerSecond: 250 })).toEqual({
      admit: false,
      retryAfterSeconds: 3,
    });
    expect(admit(policy, { inFlight: 100_000, completionsPerSecond: 2 })).toEqual({
      admit: false,
      retryAfterSeconds: 30,
    });
  });
});

describe('smoothRate', () => {
  it('starts at the first sample and moves toward new ones by the time they cover', () => {
    expect(smoothRate(undefined, 40, 0.25, 5)).toBe(40);
    const short = smoothRate(100, 0, 0.25, 5);
    const long = smoothRate(100, 0, 5, 5);
    expect(short).toBeCloseTo(100 * Math.exp(-0.05), 6);
    expect(long).toBeCloseTo(100 * Math.exp(-1), 6);
    expect(smoothRate(100, 100, 1, 5)).toBe(100);
  });
});
