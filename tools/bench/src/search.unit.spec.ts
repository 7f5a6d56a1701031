import type { Probe, SearchParams } from './search.js';
import { bracket, nextProbe, searchResult } from './search.js';

const params: SearchParams = {
  start: 25,
  factor: 2,
  minRate: 2,
  maxRate: 600,
  resolution: 1.12,
  maxProbes: 10,
};

/** Runs the search against a saga that sustains exactly `capacity` orders/s. */
function search(capacity: number, p: SearchParams = params): Probe[] {
  const history: Probe[] = [];
  for (let rate = nextProbe(p, history); rate !== undefined; rate = nextProbe(p, history)) {
    history.push({ rate, pass: rate <= capacity });
  }
  return history;
}

describe('throughput search', () => {
  it('ramps up, then bisects to within the resolution', () => {
    const history = search(300);
    expect(history.slice(0, 5).map((p) => p.rate)).toEqual([25, 50, 100, 200, 400]);
    const result = searchResult(history);
    expect(result).toBeLessThanOrEqual(300);
    expect(result).toBeGreaterThan(300 / 1.12);
    expect(history.length).toBeLessThanOrEqual(params.maxProbes);
  });

  it('ramps down when the first rate fails, and stops at the floor', () => {
    const history = search(8);
    expect(history.map((p) => p.rate).slice(0, 3)).toEqual([25, 13, 7]);
    expect(searchResult(history)).toBeGreaterThanOrEqual(7);
    expect(searchResult(search(0))).toBe(0);
  });

  it('stops at the top when everything passes', () => {
    const history = search(10_000);
    expect(history.at(-1)?.rate).toBe(600);
    expect(searchResult(history)).toBe(600);
  });

  it('respects the probe budget once a rate has failed', () => {
    expect(search(40, { ...params, maxProbes: 3 }).map((p) => p.rate)).toEqual([25, 50, 35]);
  });

  it('ramps on past the probe budget while every probe passes', () => {
    // A later repetition starts just below the first answer with a small budget: it must
    // not report the rate where the budget ran out as the saga's limit.
    const history = search(301, { ...params, maxProbes: 3 });
    expect(history.map((p) => p.rate)).toEqual([25, 50, 100, 200, 400]);
    expect(searchResult(history)).toBe(200);
  });

  it('brackets between the best pass and the lowest fail above it', () => {
    expect(
      bracket([
        { rate: 50, pass: true },
        { rate: 40, pass: false },
        { rate: 80, pass: false },
        { rate: 100, pass: false },
      ]),
    ).toEqual({ lo: 50, hi: 80 });
  });
});
