import { burstSize, profileFor } from './profile.js';

describe('profiles', () => {
  it('sizes bursts to a few seconds of the measured max, within bounds', () => {
    const full = profileFor(false);
    expect(burstSize(full, undefined)).toBe(full.burst.minOrders);
    expect(burstSize(full, 30)).toBe(240);
    expect(burstSize(full, 1_000)).toBe(full.burst.maxOrders);
    expect(burstSize(full, 1)).toBe(full.burst.minOrders);
  });

  it('keeps quick mode small', () => {
    const quick = profileFor(true);
    expect(quick.overload.orders).toBe(1_000);
    expect(quick.relay.rows).toBe(10_000);
    expect(quick.throughput.windowMs).toBeLessThan(profileFor(false).throughput.windowMs);
  });
});
