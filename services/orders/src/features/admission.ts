import type { Logger } from '@orderflow/platform';
import { PollLoop } from '@orderflow/platform';
import { MetricNames } from '@orderflow/telemetry';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { OrdersDb } from '../infra/database.js';
import type { Admission, AdmissionPolicy } from './admission-policy.js';
import { admissionLimit, admit, smoothRate } from './admission-policy.js';

export interface AdmissionOptions {
  policy: AdmissionPolicy;
  /** How often the load is read from the database while orders are in flight. */
  sampleMs: number;
  /**
   * How often it is read while none are: the first order admitted wakes the sampler
   * once its transaction has ended, so an idle service does not query four times a
   * second for nothing.
   */
  idleSampleMs?: number;
  /** How fast the completion rate follows changes. */
  timeConstantSeconds?: number;
}

/**
 * Measures the load the admission policy decides on, from the orders database, so
 * that every instance of the service sees the same numbers: the orders in flight
 * (PENDING in orders_view) and how many orders reach a terminal state per second (new
 * OrderConfirmed and OrderCancelled events, counted from the last position seen).
 * Between samples it adds the orders it admitted itself that the last sample cannot
 * have seen.
 */
export class AdmissionControl {
  private readonly loop: PollLoop;
  private position: string | undefined;
  private sampledAt = 0;
  private rate: number | undefined;
  private pending = 0;
  /** Admitted, their transaction not finished: no sample can have counted them. */
  private uncommitted = 0;
  /** Finished since the last sample began: that sample may not have counted them. */
  private settledSinceSample = 0;
  private readonly refused: Counter;

  constructor(
    private readonly db: OrdersDb,
    private readonly options: AdmissionOptions,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    const signal = () => this.signal();
    new Gauge({
      name: MetricNames.ordersInFlight,
      help: 'Orders placed and not yet confirmed or cancelled, as admission control sees them',
      registers: [registry],
      collect() {
        this.set(signal().inFlight);
      },
    });
    new Gauge({
      name: MetricNames.sagaCompletionRate,
      help: 'Orders reaching a terminal state per second, smoothed',
      registers: [registry],
      collect() {
        this.set(signal().completionsPerSecond);
      },
    });
    const policy = options.policy;
    new Gauge({
      name: MetricNames.admissionLimit,
      help: 'In-flight orders above which new orders are refused with 503',
      registers: [registry],
      collect() {
        this.set(admissionLimit(policy, signal()));
      },
    });
    this.refused = new Counter({
      name: MetricNames.ordersRefused,
      help: 'New orders refused up front because the sagas in flight would not drain in time',
      registers: [registry],
    });
    this.loop = new PollLoop({
      tick: () => this.sample(),
      // Idle, the first admitted order to settle wakes the sampler early.
      pauseMs: () =>
        this.signal().inFlight === 0
          ? { ms: this.options.idleSampleMs ?? 2_000, wakeable: true }
          : this.options.sampleMs,
      onError: (err) =>
        this.logger.warn({ err }, 'admission control: load sample failed; keeping the last one'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Decides on one new order. An admitted one counts as in flight at once; the caller
   * settles it when its transaction has ended, committed or not.
   */
  check(): Admission & { settle?: () => void } {
    const decision = admit(this.options.policy, this.signal());
    if (!decision.admit) {
      this.refused.inc();
      return decision;
    }
    this.uncommitted += 1;
    let settled = false;
    return {
      ...decision,
      settle: () => {
        if (settled) return;
        settled = true;
        this.uncommitted -= 1;
        this.settledSinceSample += 1;
        // Woken after the transaction ended, the sample sees the order once, not twice.
        this.loop.wake();
      },
    };
  }

  /** Reads the load once. */
  async sample(now = Date.now()): Promise<void> {
    // Orders settled from here on may commit after the query's snapshot: keep them.
    const settledBefore = this.settledSinceSample;
    const { rows } = await sql<{ pending: string; done: string; position: string | null }>`
      select
        (select count(*) from orders_view where status = 'PENDING') as pending,
        (select count(*) from events
          where global_position > ${this.position ?? '0'}::bigint
            and type in ('OrderConfirmed', 'OrderCancelled')) as done,
        (select max(global_position) from events) as position`.execute(this.db);
    const row = rows[0]!;
    const seconds = (now - this.sampledAt) / 1000;
    // The first sample only finds the position: events before it are history.
    if (this.position !== undefined && seconds > 0) {
      const sample = Number(row.done) / seconds;
      this.rate = smoothRate(this.rate, sample, seconds, this.options.timeConstantSeconds ?? 5);
    }
    this.position = row.position ?? this.position ?? '0';
    this.sampledAt = now;
    this.pending = Number(row.pending);
    this.settledSinceSample -= settledBefore;
  }

  private signal() {
    return {
      inFlight: this.pending + this.uncommitted + this.settledSinceSample,
      completionsPerSecond: this.rate ?? 0,
    };
  }
}
