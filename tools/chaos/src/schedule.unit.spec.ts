import { faultKinds, infrastructureFaults, schedule } from './schedule.js';

describe('the fault schedule', () => {
  const options = { durationMs: 300_000, kinds: faultKinds, sessionTimeoutMs: 6_000 };

  it('is the same for the same seed, and another for another', () => {
    expect(schedule({ ...options, seed: 7 })).toEqual(schedule({ ...options, seed: 7 }));
    expect(schedule({ ...options, seed: 7 })).not.toEqual(schedule({ ...options, seed: 8 }));
  });

  it('heals each fault before the next and all before the load ends', () => {
    const faults = schedule({ ...options, seed: 3 });
    expect(faults.length).toBeGreaterThan(5);
    for (const [i, f] of faults.entries()) {
      expect(f.atMs + f.holdMs).toBeLessThanOrEqual(options.durationMs);
      if (i > 0) expect(f.atMs).toBeGreaterThan(faults[i - 1]!.atMs + faults[i - 1]!.holdMs);
    }
  });

  it('pauses a consumer past its session timeout, and draws only the kinds asked for', () => {
    const faults = schedule({ ...options, seed: 5, kinds: ['pause', 'kill'] });
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(['pause', 'kill']));
    for (const f of faults.filter((f) => f.kind === 'pause'))
      expect(f.holdMs).toBeGreaterThan(options.sessionTimeoutMs);
    expect(faults.some((f) => infrastructureFaults.includes(f.kind))).toBe(false);
  });
});
