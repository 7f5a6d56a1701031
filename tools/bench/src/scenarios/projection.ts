import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchDatabase } from '../infra/databases.js';
import { run } from '../infra/run.js';
import { fmt } from '../log.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

const child = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'child',
  'rebuild-projection.ts',
);

/**
 * (e) Projection rebuild: an orders database (migrated by the measured checkout) whose
 * event log holds N events of confirmed orders (OrderPlaced, PaymentAuthorized,
 * ShipmentScheduled, OrderConfirmed per order), then `rebuildProjection(db, ordersView)`
 * timed in-process by a child running the measured checkout's own code.
 */
export const projection: Scenario = {
  id: 'projection',
  title: 'orders_view projection rebuild',
  usesSaga: false,
  async run(ctx: BenchContext) {
    const log = ctx.log('projection');
    const { events } = ctx.profile.projection;
    const id = `${ctx.runId}_projection`;
    const db = await ctx.migratedOrdersDb(id);
    const done = ctx.cleanup.add('projection database', () => db.drop());
    try {
      log(`writing ${events} events (${events / 4} confirmed orders) into the event log`);
      await fillEvents(db, Math.ceil(events / 4));
      log(`rebuilding orders_view ${ctx.reps} time(s) in a child on ${ctx.options.root}`);
      const output = await run(
        process.execPath,
        ['--import', 'tsx', child, ctx.options.root, db.url, String(ctx.reps)],
        { cwd: ctx.options.root },
      );
      const reps = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { rep: number; events: number; ms: number });
      const rates = reps.map((r) => r.events / (r.ms / 1000));
      for (const r of reps)
        log(
          `  rep ${r.rep}: ${r.events} events in ${fmt(r.ms)} ms = ${fmt(r.events / (r.ms / 1000))} events/s`,
        );
      // A rate is worth nothing if the rebuild got the view wrong.
      const [view] = await db.query<{ confirmed: number }>(
        "select count(*) filter (where status = 'CONFIRMED')::int as confirmed from orders_view",
      );
      const expected = Math.ceil(events / 4);
      if (view?.confirmed !== expected) {
        ctx.notes.push(
          `projection rebuild: orders_view holds ${view?.confirmed ?? 0} CONFIRMED orders, ${expected} expected.`,
        );
      }
      ctx.figures.fromValues(
        'projection',
        'projection.rate',
        `orders_view rebuild (${events} events)`,
        'events/s',
        rates,
      );
      ctx.details['projection'] = { events, reps };
    } finally {
      await done();
    }
  },
};

/** `orders` confirmed orders, four events each, written by SQL in large statements. */
async function fillEvents(db: BenchDatabase, orders: number): Promise<void> {
  for (let from = 0; from < orders; from += 2_500) {
    await db.query(
      `with o as (
         select i, gen_random_uuid()::text as id, gen_random_uuid()::text as corr,
                gen_random_uuid()::text as pay, gen_random_uuid()::text as ship,
                'bench-c-' || lpad((i % 1000)::text, 5, '0') as customer,
                'BENCH-SKU-' || lpad((i % 500)::text, 4, '0') as sku
         from generate_series($1::int, $2::int) i)
       insert into events (stream_id, version, event_id, type, data, metadata)
       select 'order-' || o.id, v.version, gen_random_uuid(), v.type, v.data,
              jsonb_build_object('correlationId', o.corr, 'causationId', o.id)
       from o cross join lateral (values
         (1, 'OrderPlaced', jsonb_build_object('orderId', o.id, 'customerId', o.customer,
            'items', jsonb_build_array(jsonb_build_object('sku', o.sku, 'quantity', 1 + o.i % 3,
              'unitPrice', jsonb_build_object('amountMinor', 100 + o.i % 4900, 'currency', 'EUR'))),
            'total', jsonb_build_object('amountMinor', (1 + o.i % 3) * (100 + o.i % 4900), 'currency', 'EUR'),
            'shippingAddress', jsonb_build_object('recipient', 'Customer', 'line1', '1 Bench Street',
              'city', 'Lisbon', 'postalCode', '1000-001', 'country', 'PT'),
            'placedAt', now())),
         (2, 'PaymentAuthorized', jsonb_build_object('paymentId', o.pay, 'at', now())),
         (3, 'ShipmentScheduled', jsonb_build_object('shipmentId', o.ship, 'at', now())),
         (4, 'OrderConfirmed', jsonb_build_object('paymentId', o.pay, 'shipmentId', o.ship, 'confirmedAt', now()))
       ) as v(version, type, data)
       order by o.i, v.version`,
      [from, Math.min(orders, from + 2_500) - 1],
    );
  }
}
