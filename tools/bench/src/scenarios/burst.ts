import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchDatabase } from '../infra/databases.js';
import type { BurstResult } from '../load/burst-run.js';
import { runBurst } from '../load/burst-run.js';
import { fmt } from '../log.js';
import { burstSize } from '../profile.js';
import { percentile } from '../stats.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

interface EmailFigures {
  sent: number;
  /** SENT e-mails / (last sent_at − first created_at), per second. */
  rate: number | undefined;
  /** sent_at − OrderConfirmed recorded_at, p99 (ms). */
  lagP99Ms: number | undefined;
}

/**
 * (a) The drain rate of a burst (orders posted as fast as bounded concurrency allows),
 * and (f) how fast the e-mails follow: notifications reaching SENT during and after it.
 */
export const burstDrain: Scenario = {
  id: 'burst',
  title: 'burst drain rate and e-mail delivery rate',
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('burst');
    const p = ctx.profile.burst;
    const saga = await ctx.saga();
    const client = await ctx.client();
    const size = burstSize(ctx.profile, ctx.maxSustained);
    const results: BurstResult[] = [];
    const emails: EmailFigures[] = [];
    for (let rep = 1; rep <= ctx.reps; rep++) {
      log(`rep ${rep}/${ctx.reps}: burst of ${size} orders, ${p.concurrency} in flight`);
      const b = await runBurst(
        saga,
        client,
        { size, concurrency: p.concurrency, waitMs: p.drainMs, next: ctx.orders(`burst-${rep}`) },
        log,
      );
      const email = await emailFigures(saga.db.notifications, b, p.drainMs);
      results.push(b);
      emails.push(email);
      log(
        `  drained at ${fmt(b.drainRate)} orders/s (${b.confirmed}/${b.accepted} confirmed, ${b.refused} refused); ` +
          `e-mail ${fmt(email.rate)}/s, lag p99 ${fmt(email.lagP99Ms)} ms`,
      );
    }
    const f = ctx.figures;
    f.fromValues(
      'burst',
      'burst.drainRate',
      `Burst drain rate (${size} orders)`,
      'orders/s',
      results.map((b) => b.drainRate),
    );
    f.fromValues(
      'burst',
      'burst.refused',
      'Burst: refused up front (429/503)',
      'orders',
      results.map((b) => b.refused),
    );
    f.fromValues(
      'burst',
      'burst.notConfirmed',
      'Burst: accepted but not confirmed',
      'orders',
      results.map((b) => b.accepted - b.confirmed),
    );
    f.fromValues(
      'burst',
      'burst.emailRate',
      'E-mail delivery rate during the burst',
      'e-mails/s',
      emails.map((e) => e.rate),
    );
    f.fromValues(
      'burst',
      'burst.emailLagP99',
      'E-mail sent after confirmation, p99',
      'ms',
      emails.map((e) => e.lagP99Ms),
    );
    f.fromValues(
      'burst',
      'burst.emailVsSaga',
      'E-mail rate / saga drain rate',
      '%',
      results.map((b, i) => {
        const rate = emails[i]?.rate;
        return rate !== undefined && b.drainRate ? (100 * rate) / b.drainRate : undefined;
      }),
    );
    ctx.burstDrainRate = f.get('burst.drainRate')?.stat?.median;
    ctx.details['burst'] = results.map((b, i) => ({
      size: b.size,
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
      email: emails[i],
    }));
  },
};

/** Waits for the burst's e-mails (one per terminal order), then reads their times. */
async function emailFigures(
  db: BenchDatabase,
  b: BurstResult,
  waitMs: number,
): Promise<EmailFigures> {
  const ids = [...b.outcomes.keys()];
  const deadline = Date.now() + waitMs;
  type Row = { order_id: string; created: number; sent: number | null };
  let rows: Row[] = [];
  for (;;) {
    rows = await db.query<Row>(
      `select order_id, extract(epoch from created_at) * 1000 as created, extract(epoch from sent_at) * 1000 as sent
       from notifications where order_id = any($1::text[])`,
      [ids],
    );
    if (rows.filter((r) => r.sent !== null).length >= ids.length || Date.now() > deadline) break;
    await sleep(250);
  }
  const sent = rows.filter((r): r is Row & { sent: number } => r.sent !== null);
  if (sent.length === 0) return { sent: 0, rate: undefined, lagP99Ms: undefined };
  const first = Math.min(...rows.map((r) => Number(r.created)));
  const last = Math.max(...sent.map((r) => Number(r.sent)));
  const lags = sent.flatMap((r) => {
    const outcome = b.outcomes.get(r.order_id);
    return outcome ? [Number(r.sent) - outcome.at] : [];
  });
  return {
    sent: sent.length,
    rate: sent.length / Math.max(0.001, (last - first) / 1000),
    lagP99Ms: lags.length > 0 ? percentile(lags, 99) : undefined,
  };
}
