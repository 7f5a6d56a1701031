import { median, percentile, stat, statOfSummaries, summarizeLatencies } from './stats.js';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBeCloseTo(46);
    expect(percentile([5], 99)).toBe(5);
  });

  it('does not depend on input order and does not sort the caller’s array', () => {
    const values = [9, 1, 5];
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(9);
    expect(values).toEqual([9, 1, 5]);
  });

  it('is NaN for no values and rejects p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summaries over repetitions', () => {
  it('reports median, min and max, skipping missing repetitions', () => {
    expect(stat([3, undefined, 1, 2])).toEqual({ median: 2, min: 1, max: 3, values: [3, 1, 2] });
    expect(stat([undefined, Number.NaN])).toBeUndefined();
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes a latency sample and takes per-field medians of summaries', () => {
    const a = summarizeLatencies([10, 20, 30, 40, 100]);
    expect(a).toMatchObject({ n: 5, p50: 30, max: 100, mean: 40 });
    expect(summarizeLatencies([])).toBeUndefined();
    const b = summarizeLatencies([20, 40, 60]);
    const c = summarizeLatencies([30]);
    expect(statOfSummaries([a, b, c, undefined])?.p50).toMatchObject({
      median: 30,
      min: 30,
      max: 40,
    });
  });
});
