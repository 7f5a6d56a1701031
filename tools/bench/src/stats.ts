/**
 * Percentiles of one sample, and the median/min/max of a figure over repetitions.
 * Pure: every scenario reduces its raw numbers with these.
 */

/** A figure measured once per repetition: reported as the median, with min and max beside. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  /** One value per repetition, in run order. */
  values: number[];
}

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) by linear interpolation between closest ranks
 * (the "type 7" estimator of R and NumPy). NaN for an empty sample.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const a = sorted[lower] ?? Number.NaN;
  const b = sorted[upper] ?? Number.NaN;
  return a + (b - a) * (rank - lower);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function summarizeLatencies(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
  };
}

/** Median, min and max over repetitions; undefined when no repetition produced a value. */
export function stat(values: readonly (number | undefined)[]): Stat | undefined {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    values: finite,
  };
}

/** Per-field medians of several latency summaries (one per repetition). */
export function statOfSummaries(
  summaries: readonly (LatencySummary | undefined)[],
): Record<keyof LatencySummary, Stat | undefined> | undefined {
  const present = summaries.filter((s): s is LatencySummary => s !== undefined);
  if (present.length === 0) return undefined;
  const field = (k: keyof LatencySummary) => stat(present.map((s) => s[k]));
  return {
    n: field('n'),
    p50: field('p50'),
    p95: field('p95'),
    p99: field('p99'),
    max: field('max'),
    mean: field('mean'),
  };
}
