/**
 * When a fixed-rate window counts as sustained, and when a running window has
 * already failed (so the search can move on without piling up a backlog). Pure.
 */

export interface WindowFacts {
  rate: number;
  accepted: number;
  refused: number;
  errors: number;
  /** What the first failed requests said (a socket error, an HTTP status). */
  errorSamples?: readonly string[];
  cancelled: number;
  /** Accepted orders not terminal when the drain time ran out. */
  unfinished: number;
  p99Ms: number | undefined;
  /**
   * Backlog (in-flight requests + PENDING orders of the window) mid-window and at its
   * end, each the mean of a few samples (see `backlogLevels`).
   */
  backlogMid: number;
  backlogEnd: number;
  aborted: boolean;
}

export interface SustainCriteria {
  /** p99 POST→confirmed must stay below this. */
  maxP99Ms: number;
}

export function judgeWindow(
  facts: WindowFacts,
  criteria: SustainCriteria,
): { pass: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (facts.aborted) reasons.push('backlog kept growing (stopped early)');
  if (facts.refused > 0) reasons.push(`${facts.refused} refused (429/503)`);
  if (facts.errors > 0) {
    const samples = facts.errorSamples?.length ? ` (${facts.errorSamples.join('; ')})` : '';
    reasons.push(`${facts.errors} failed requests${samples}`);
  }
  if (facts.cancelled > 0) reasons.push(`${facts.cancelled} cancelled`);
  if (facts.unfinished > 0) reasons.push(`${facts.unfinished} not terminal after the drain time`);
  if (facts.accepted === 0) reasons.push('no order accepted');
  if (facts.p99Ms !== undefined && facts.p99Ms > criteria.maxP99Ms) {
    reasons.push(`p99 ${Math.round(facts.p99Ms)} ms > ${criteria.maxP99Ms} ms`);
  }
  if (!backlogFlat(facts.backlogMid, facts.backlogEnd, facts.rate)) {
    reasons.push(
      `backlog grew from ${facts.backlogMid} mid-window to ${facts.backlogEnd} at the end`,
    );
  }
  return { pass: reasons.length === 0, reasons };
}

/**
 * The backlog mid-window and at the end, from the samples taken once a second while the
 * window sends: each the mean of up to `span` samples (around the middle, and the last
 * ones). Single samples swing with the batches the services complete: at 25 orders/s
 * one window read 6 mid-window and 16 at the end, more than `backlogFlat` allows, with
 * a p99 of 562 ms, and a search's answer moved by half between two runs.
 */
export function backlogLevels(samples: readonly number[], span = 3): { mid: number; end: number } {
  if (samples.length === 0) return { mid: 0, end: 0 };
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const round = (v: number) => Math.round(v * 10) / 10;
  const n = Math.max(1, Math.min(span, Math.floor(samples.length / 2)));
  const middle = Math.floor((samples.length - 1) / 2);
  const from = Math.max(0, middle - Math.floor((n - 1) / 2));
  return {
    mid: round(mean(samples.slice(from, from + n))),
    end: round(mean(samples.slice(-n))),
  };
}

/** Flat: the end of the window holds at most a little more than its middle did. */
export function backlogFlat(mid: number, end: number, rate: number): boolean {
  return end <= mid + Math.max(5, 0.1 * rate);
}

/**
 * Early failure while the window runs: the backlog has stayed above what a p99 of
 * `maxP99Ms` allows for the last `samples` samples and kept growing.
 */
export function backlogRunaway(
  samples: readonly number[],
  rate: number,
  maxP99Ms: number,
  window = 3,
): boolean {
  if (samples.length < window) return false;
  const recent = samples.slice(-window);
  const limit = Math.max(50, (rate * 1.5 * maxP99Ms) / 1000);
  const growing = recent.every((v, i) => i === 0 || v >= (recent[i - 1] ?? 0));
  return growing && recent.every((v) => v > limit);
}
