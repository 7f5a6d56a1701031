import type { Cleanup } from '../infra/cleanup.js';
import type { BenchDatabase } from '../infra/databases.js';
import { copyOfTemplate, createOrdersTemplate } from '../infra/orders-template.js';
import type { Saga } from '../infra/saga.js';
import type { ServiceName } from '../infra/services.js';
import { startSaga } from '../infra/saga.js';
import type { StackEndpoints } from '../infra/stack.js';
import { runBurst } from '../load/burst-run.js';
import { OrdersClient } from '../load/http.js';
import { runWindow } from '../load/window.js';
import type { Log } from '../log.js';
import { scoped } from '../log.js';
import type { BenchOptions, ScenarioId } from '../options.js';
import type { PlaceOrderBody } from '../orders.js';
import { orderStream } from '../orders.js';
import type { Profile } from '../profile.js';
import { Figures } from '../report/figures.js';

/** What every scenario gets: options, the stack, the shared saga and the figures. */
export class BenchContext {
  readonly figures = new Figures();
  readonly details: Record<string, unknown> = {};
  readonly notes: string[] = [];
  /** The highest sustained rate, once the throughput scenario found it. */
  maxSustained: number | undefined;
  /**
   * Records per consumer transaction at the max sustained rate (all services together,
   * and each), once the throughput scenario measured them: the db scenario's batch size.
   */
  consumerBatch: { mean: number; perService: Partial<Record<ServiceName, number>> } | undefined;
  /** The burst drain rate with tracing on, once the burst scenario measured it. */
  burstDrainRate: number | undefined;
  private main: Promise<Saga> | undefined;
  private template: Promise<string> | undefined;
  private mainClient: OrdersClient | undefined;
  private sagas = 0;

  constructor(
    readonly options: BenchOptions,
    readonly profile: Profile,
    readonly stack: StackEndpoints,
    readonly cleanup: Cleanup,
    /** Unique per run: prefixes databases and topics (`bench_<time>_<random>`). */
    readonly runId: string,
    /** The checkout that holds the bench (for docs/bench and the pgbench scripts). */
    readonly benchRoot: string,
  ) {}

  /** The main saga (tracing on), started and warmed up on first use. */
  saga(): Promise<Saga> {
    this.main ??= this.startWarm(true);
    return this.main;
  }

  /** A kept-alive client of the main saga's orders API. */
  async client(): Promise<OrdersClient> {
    const saga = await this.saga();
    this.mainClient ??= new OrdersClient(saga.ordersUrl, saga.authorization);
    return this.mainClient;
  }

  /** A further saga (tracing off, say), warmed up like the main one; the caller stops it. */
  async startWarm(tracing: boolean, warmup = this.profile.warmup): Promise<Saga> {
    const log = scoped('saga');
    const id = `${this.runId}_${++this.sagas}`;
    const saga = await startSaga({
      root: this.options.root,
      stack: this.stack,
      cleanup: this.cleanup,
      id,
      tracing,
      catalog: this.profile.catalog,
      log,
    });
    const { rate, durationMs, burst } = warmup;
    log(`warm-up: ${rate}/s for ${durationMs / 1000} s`);
    const client = new OrdersClient(saga.ordersUrl, saga.authorization);
    const warm = await runWindow(
      saga,
      client,
      {
        rate,
        durationMs,
        drainMs: 30_000,
        next: this.orders('warmup'),
        abortOnRunaway: false,
        maxP99Ms: 1_000,
      },
      log,
    );
    log(
      `warm-up at ${rate}/s: ${warm.confirmed}/${warm.accepted} confirmed, p50 ${warm.latency?.p50.toFixed(0) ?? 'n/a'} ms`,
    );
    if (burst) {
      log(`warm-up: a burst of ${burst.orders} orders, ${burst.concurrency} in flight`);
      const b = await runBurst(
        saga,
        client,
        {
          size: burst.orders,
          concurrency: burst.concurrency,
          waitMs: 60_000,
          next: this.orders('warmup'),
        },
        log,
      );
      log(`warm-up burst: ${b.confirmed}/${b.accepted} confirmed, ${b.refused} refused`);
    }
    client.close();
    return saga;
  }

  /** Stops the main saga (its databases and topics go with it). */
  async stopSaga(): Promise<void> {
    if (!this.main) return;
    const saga = await this.main.catch(() => undefined);
    this.mainClient?.close();
    this.mainClient = undefined;
    this.main = undefined;
    await saga?.stop();
  }

  /** A fresh orders database, migrated by the measured checkout's orders service (once per run). */
  async migratedOrdersDb(name: string): Promise<BenchDatabase> {
    this.template ??= (() => {
      const log = scoped('bench');
      log('migrating an orders database once (template for the relay and projection scenarios)');
      return createOrdersTemplate(this.stack, this.cleanup, this.options.root, this.runId, log);
    })();
    return copyOfTemplate(this.stack, await this.template, name);
  }

  /** A fixed-seed order stream per purpose, so a run's orders never depend on scenario order. */
  orders(purpose: string): () => PlaceOrderBody {
    let hash = this.options.seed;
    for (const c of purpose) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) >>> 0;
    return orderStream(hash, this.profile.catalog);
  }

  log(scenario: ScenarioId): Log {
    return scoped(scenario);
  }

  get reps(): number {
    return this.options.reps;
  }
}
