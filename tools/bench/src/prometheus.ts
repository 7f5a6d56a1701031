/**
 * Just enough of the Prometheus text format to read a histogram from /metrics, take
 * the difference between two scrapes and estimate quantiles from its buckets the way
 * PromQL's histogram_quantile does. Pure.
 */

/** Cumulative bucket counts by upper bound (`le`), ascending, ending with +Inf. */
export interface Histogram {
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The histogram `name` summed over every label set (all groups and topics of one
 * service, say), or undefined when the scrape has no such metric.
 */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line);
    if (!match) continue;
    const [, metric, labels = '', raw = ''] = match;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (metric === `${name}_bucket`) {
      const le = labelsOf(labels).get('le');
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
      seen = true;
    } else if (metric === `${name}_sum`) {
      sum += value;
      seen = true;
    } else if (metric === `${name}_count`) {
      count += value;
      seen = true;
    }
  }
  if (!seen) return undefined;
  return {
    buckets: [...buckets].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le),
    sum,
    count,
  };
}

function labelsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(labelPair)) if (m[1] && m[2] !== undefined) out.set(m[1], m[2]);
  return out;
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(after: Histogram, before: Histogram | undefined): Histogram {
  if (!before) return after;
  const earlier = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/**
 * The q-quantile (0..1) by linear interpolation inside the bucket that holds it,
 * as histogram_quantile does; a quantile in the +Inf bucket is reported as the
 * highest finite bound (a lower bound of the truth). NaN with no observations.
 */
export function histogramQuantile(histogram: Histogram, q: number): number {
  const { buckets } = histogram;
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = Number.isFinite(bucket.le) ? bucket.le : lowerBound;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
