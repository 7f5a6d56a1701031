import { runBurst } from '../load/burst-run.js';
import { fmt } from '../log.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

/**
 * The orders service's saga deadline when SAGA_DEADLINE_MS is not set
 * (services/orders/src/config.ts at the time of writing): the bench leaves it at the
 * default and waits that long, plus the profile's margin, for the last orders.
 */
const defaultSagaDeadlineMs = 30_000;

/**
 * (j) A burst far above what the saga sustains (10,000 orders; 1,000 in quick mode) at
 * the service's default deadline: how many are accepted, refused up front (429/503),
 * confirmed, and cancelled (TIMEOUT above all). The target: every accepted order
 * confirmed, none timed out, the excess refused. Runs once, last on the shared saga:
 * it leaves a backlog of compensations behind.
 */
export const overload: Scenario = {
  id: 'overload',
  title: 'burst far above capacity at the default saga deadline',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('overload');
    const p = ctx.profile.overload;
    const saga = await ctx.saga();
    const client = await ctx.client();
    log(`burst of ${p.orders} orders, ${p.concurrency} in flight (1 repetition)`);
    const b = await runBurst(
      saga,
      client,
      {
        size: p.orders,
        concurrency: p.concurrency,
        waitMs: defaultSagaDeadlineMs + p.waitAfterDeadlineMs,
        next: ctx.orders('overload'),
      },
      log,
    );
    const timeout = b.cancelledByReason['TIMEOUT'] ?? 0;
    log(
      `  ${b.accepted} accepted (${fmt(b.postRate)}/s), ${b.refused} refused, ${b.errors} failed; ` +
        `${b.confirmed} confirmed, ${b.cancelled} cancelled (${timeout} TIMEOUT), ${b.unfinished} still pending`,
    );
    const f = ctx.figures;
    const one = (id: string, label: string, unit: string, value: number | undefined) =>
      f.fromValues('overload', `overload.${id}`, label, unit, [value]);
    one('accepted', `Burst of ${p.orders}: accepted (201)`, 'orders', b.accepted);
    one('refused', `Burst of ${p.orders}: refused up front (429/503)`, 'orders', b.refused);
    one('errors', `Burst of ${p.orders}: failed requests`, 'orders', b.errors);
    one('confirmed', `Burst of ${p.orders}: CONFIRMED`, 'orders', b.confirmed);
    one('cancelled', `Burst of ${p.orders}: CANCELLED`, 'orders', b.cancelled);
    one('timeout', `Burst of ${p.orders}: cancelled by TIMEOUT`, 'orders', timeout);
    one(
      'unfinished',
      `Burst of ${p.orders}: still PENDING after the deadline + ${p.waitAfterDeadlineMs / 1000} s`,
      'orders',
      b.unfinished,
    );
    one(
      'notConfirmed',
      `Burst of ${p.orders}: accepted but not CONFIRMED`,
      'orders',
      b.accepted - b.confirmed,
    );
    one(
      'postRate',
      `Burst of ${p.orders}: accepted per second while posting`,
      'orders/s',
      b.postRate,
    );
    ctx.details['overload'] = {
      size: p.orders,
      accepted: b.accepted,
      refused: b.refused,
      retryAfter: b.retryAfter,
      errors: b.errors,
      errorSamples: b.errorSamples,
      confirmed: b.confirmed,
      cancelledByReason: b.cancelledByReason,
      unfinished: b.unfinished,
      postRate: b.postRate,
      drainRate: b.drainRate,
    };
  },
};
