/**
 * Window lengths and sizes of a full run and of `--quick`. One place to tune the
 * bench's duration: a full run must stay under 10 minutes, a quick one under 2.
 */
export interface Profile {
  catalog: { customers: number; skus: number };
  /**
   * The main saga's warm-up: a fixed rate for a while, then (full runs) a burst. A young
   * service spends a quarter of its CPU in the JIT compiler at 20 s and a seventh at a
   * minute (perf, 30 orders/s), and what warms it is the number of orders it has
   * handled, not the time: after 30 s at 20/s (600 orders) the three repetitions of
   * the search answered 23, 45 and 88 orders/s, one after the other on the same saga.
   * A burst handles thousands of orders in the time a fixed rate handles hundreds.
   */
  warmup: {
    rate: number;
    durationMs: number;
    burst?: { orders: number; concurrency: number };
  };
  throughput: {
    windowMs: number;
    drainMs: number;
    start: number;
    factor: number;
    /** Ramp factor of later repetitions, which start just below the first answer. */
    repFactor: number;
    /** Probe budget of later repetitions (the first has `maxProbes`). */
    repMaxProbes: number;
    maxRate: number;
    resolution: number;
    maxProbes: number;
    /** The sustained rate's p99 bound. */
    maxP99Ms: number;
  };
  latency: {
    rates: number[];
    windowMs: number;
    drainMs: number;
    /** Rates above this multiple of the max sustained rate are not run (they only queue). */
    skipAboveMax: number;
  };
  burst: {
    minOrders: number;
    maxOrders: number;
    secondsAtMax: number;
    concurrency: number;
    drainMs: number;
  };
  cpu: { windowMs: number; fallbackRate: number };
  /**
   * Each turn of the tracing on/off comparison: a fixed-rate window (the cpu scenario's
   * rate); its two sagas get the same, shorter, warm-up.
   */
  tracing: { windowMs: number; warmup: { rate: number; durationMs: number } };
  /** failoverRate: the steady load while one of two payments instances is killed. */
  restart: { rate: number; timeoutMs: number; idleMs: number; failoverRate: number };
  db: { seconds: number; clients: number };
  overload: { orders: number; concurrency: number; waitAfterDeadlineMs: number };
  relay: { rows: number; pickupRate: number; pickupMs: number; batch: number };
  projection: { events: number };
}

const full: Profile = {
  catalog: { customers: 1_000, skus: 500 },
  warmup: { rate: 20, durationMs: 5_000, burst: { orders: 2_500, concurrency: 32 } },
  throughput: {
    windowMs: 8_000,
    drainMs: 5_000,
    start: 25,
    factor: 2,
    repFactor: 1.25,
    repMaxProbes: 4,
    maxRate: 600,
    resolution: 1.12,
    maxProbes: 8,
    maxP99Ms: 1_000,
  },
  latency: { rates: [25, 50, 100, 200], windowMs: 7_000, drainMs: 10_000, skipAboveMax: 1.5 },
  burst: { minOrders: 200, maxOrders: 2_000, secondsAtMax: 8, concurrency: 32, drainMs: 60_000 },
  cpu: { windowMs: 10_000, fallbackRate: 20 },
  tracing: { windowMs: 5_000, warmup: { rate: 10, durationMs: 5_000 } },
  restart: { rate: 10, timeoutMs: 60_000, idleMs: 15_000, failoverRate: 5 },
  db: { seconds: 2, clients: 8 },
  overload: { orders: 10_000, concurrency: 64, waitAfterDeadlineMs: 30_000 },
  relay: { rows: 20_000, pickupRate: 1_000, pickupMs: 3_000, batch: 500 },
  projection: { events: 50_000 },
};

const quick: Profile = {
  ...full,
  warmup: { rate: 5, durationMs: 3_000 },
  throughput: {
    ...full.throughput,
    windowMs: 4_000,
    drainMs: 3_000,
    resolution: 1.3,
    maxProbes: 4,
  },
  latency: { ...full.latency, windowMs: 3_000, drainMs: 6_000 },
  burst: { ...full.burst, minOrders: 100, maxOrders: 300, secondsAtMax: 3, drainMs: 30_000 },
  cpu: { windowMs: 3_000, fallbackRate: 5 },
  tracing: { windowMs: 3_000, warmup: { rate: 5, durationMs: 3_000 } },
  restart: { rate: 3, timeoutMs: 60_000, idleMs: 5_000, failoverRate: 5 },
  db: { seconds: 2, clients: 8 },
  overload: { orders: 1_000, concurrency: 64, waitAfterDeadlineMs: 10_000 },
  relay: { rows: 10_000, pickupRate: 1_000, pickupMs: 2_000, batch: 500 },
  projection: { events: 10_000 },
};

export function profileFor(quickMode: boolean): Profile {
  return quickMode ? quick : full;
}

/** Burst size: about `secondsAtMax` of the measured max rate, within the profile's bounds. */
export function burstSize(profile: Profile, maxSustained: number | undefined): number {
  const { minOrders, maxOrders, secondsAtMax } = profile.burst;
  if (maxSustained === undefined || maxSustained <= 0) return minOrders;
  return Math.min(maxOrders, Math.max(minOrders, Math.round(maxSustained * secondsAtMax)));
}
