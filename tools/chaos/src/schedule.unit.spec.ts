import { faultKinds, infrastructureFaults, networkFaults, schedule } from './schedule.js';

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

  it('deals every kind once before any kind twice', () => {
    const faults = schedule({ ...options, seed: 11 });
    expect(faults.length).toBeGreaterThan(faultKinds.length);
    expect(new Set(faults.slice(0, faultKinds.length).map((f) => f.kind))).toEqual(
      new Set(faultKinds),
    );
  });

  it("hits one service's link to Kafka or Postgres with each network fault", () => {
    const faults = schedule({ ...options, seed: 9, kinds: networkFaults });
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(networkFaults));
    expect(new Set(faults.map((f) => f.link))).toEqual(new Set(['kafka', 'postgres']));
    for (const f of faults) {
      expect(f.service).toBeDefined();
      expect(infrastructureFaults).toContain(f.kind);
    }
    for (const f of faults.filter((f) => f.kind === 'latency'))
      expect(f.latencyMs).toBeGreaterThanOrEqual(150);
    for (const f of faults.filter((f) => f.kind === 'bandwidth'))
      expect(f.rateKBps).toBeGreaterThan(0);
    for (const f of faults.filter((f) => f.kind === 'cut')) expect(f.holdMs).toBeLessThan(10_000);
  });
});
