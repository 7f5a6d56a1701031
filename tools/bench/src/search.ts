/**
 * The search for the highest sustained rate: ramp up geometrically until a window
 * fails, then bisect (geometrically) between the best pass and the lowest fail until
 * they are within `resolution` of each other. Pure: the caller runs each probe.
 */

export interface SearchParams {
  /** First rate tried (orders/s). */
  start: number;
  /** Ramp factor while every probe passes (2: double). */
  factor: number;
  minRate: number;
  maxRate: number;
  /** Stop when lowest fail / best pass is at most this (1.1: within 10%). */
  resolution: number;
  /** Probes after which a search stops, once a rate has failed (until then it ramps on). */
  maxProbes: number;
}

export interface Probe {
  rate: number;
  pass: boolean;
}

export interface Bracket {
  /** Highest passing rate. */
  lo: number | undefined;
  /** Lowest failing rate above `lo`. */
  hi: number | undefined;
}

export function bracket(history: readonly Probe[]): Bracket {
  const passes = history.filter((p) => p.pass).map((p) => p.rate);
  const lo = passes.length > 0 ? Math.max(...passes) : undefined;
  const fails = history.filter((p) => !p.pass && (lo === undefined || p.rate > lo));
  const hi = fails.length > 0 ? Math.min(...fails.map((p) => p.rate)) : undefined;
  return { lo, hi };
}

/** The next rate to probe, or undefined when the search is done. */
export function nextProbe(params: SearchParams, history: readonly Probe[]): number | undefined {
  if (history.length === 0) return clamp(params, params.start);
  const { lo, hi } = bracket(history);
  // The budget ends a search that has found a rate it fails at: one that has passed
  // every probe so far goes on ramping, or its answer is only where the budget ran out.
  if (history.length >= params.maxProbes && hi !== undefined) return undefined;
  let next: number;
  if (hi === undefined) {
    // Everything passed so far: ramp up, unless the top was reached.
    if (lo === undefined || lo >= params.maxRate) return undefined;
    next = Math.min(params.maxRate, lo * params.factor);
  } else if (lo === undefined) {
    // Everything failed so far: ramp down, unless the bottom was reached.
    if (hi <= params.minRate) return undefined;
    next = Math.max(params.minRate, hi / params.factor);
  } else {
    if (hi / lo <= params.resolution) return undefined;
    next = Math.sqrt(lo * hi);
  }
  const rate = clamp(params, next);
  return history.some((p) => p.rate === rate) ? undefined : rate;
}

/** The search's answer: the highest rate that passed (0 when none did). */
export function searchResult(history: readonly Probe[]): number {
  return bracket(history).lo ?? 0;
}

function clamp(params: SearchParams, rate: number): number {
  return Math.round(Math.min(params.maxRate, Math.max(params.minRate, rate)));
}
