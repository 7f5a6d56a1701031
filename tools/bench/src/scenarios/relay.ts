import path from 'node:path';
import { ensureTopics } from '@orderflow/kafka-admin';
import type { BenchDatabase } from '../infra/databases.js';
import { deleteTopics } from '../infra/saga.js';
import { ServiceProcess } from '../infra/services.js';
import { prefixedTopics } from '../infra/topics.js';
import type { Log } from '../log.js';
import { fmt } from '../log.js';
import type { OutboxRecord } from '../measure/outbox.js';
import { fillOutbox, orderPlacedRecords, pacedInserts, timeDrain } from '../measure/outbox.js';
import {
  kafkaToolsClasspath,
  producerPerformanceRate,
  rawProducerRate,
} from '../measure/producers.js';
import { benchKafka, readBetween, topicEnds } from '../measure/topics.js';
import type { LatencySummary } from '../stats.js';
import { summarizeLatencies } from '../stats.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

/**
 * (c) The outbox relay on a pre-filled outbox (the orders service started against a
 * database holding N committed rows, timed until the outbox is empty), beside the raw
 * kafkajs producer and Kafka's ProducerPerformance on the same records; then relay
 * pickup at a fixed rate of rows inserted in small transactions while it runs.
 */
export const relay: Scenario = {
  id: 'relay',
  title: 'outbox relay vs raw producers, and pickup latency',
  usesSaga: false,
  async run(ctx: BenchContext) {
    const log = ctx.log('relay');
    const p = ctx.profile.relay;
    const id = `${ctx.runId}_relay`;
    const prefix = `${id}.`;
    const topics = prefixedTopics(prefix);
    const kafka = benchKafka(ctx.stack);
    const db = await ctx.migratedOrdersDb(id);
    const orders = new ServiceProcess({
      name: 'orders',
      root: ctx.options.root,
      stack: ctx.stack,
      databaseUrl: db.url,
      prefix,
      tracing: true,
      logDir: path.join(ctx.stack.stateDir, 'logs', 'bench', id),
      // It takes no HTTP requests: only its relay is measured.
      env: { AUTH_DISABLED: 'true' },
    });
    const done = ctx.cleanup.add('relay database', async () => {
      await orders.stop();
      await db.drop();
      await deleteTopics(ctx.stack, prefix);
    });
    try {
      // The service would create them at start-up; the raw producers go first.
      await ensureTopics(kafka, [topics.orders], 3, 1);
      log(`encoding ${p.rows} OrderPlaced records through the registry`);
      const records = await orderPlacedRecords(
        ctx.stack.registryUrl,
        topics,
        p.rows,
        ctx.options.seed,
        ctx.profile.catalog,
      );
      const avgSize = Math.round(records.reduce((s, r) => s + r.value.length, 0) / records.length);
      const classpath = await kafkaToolsClasspath(ctx.stack, ctx.benchRoot, log);

      const rawRates: number[] = [];
      const javaRates: (number | undefined)[] = [];
      for (let rep = 1; rep <= ctx.reps; rep++) {
        rawRates.push(await rawProducerRate(kafka, records, p.batch));
        javaRates.push(
          classpath
            ? await producerPerformanceRate(
                classpath,
                ctx.stack,
                topics.orders,
                p.rows,
                avgSize,
              ).catch(() => undefined)
            : undefined,
        );
        log(
          `rep ${rep}/${ctx.reps}: kafkajs ${fmt(rawRates.at(-1))}/s, ProducerPerformance ${fmt(javaRates.at(-1))}/s`,
        );
      }
      const relayRates: (number | undefined)[] = [];
      for (let rep = 1; rep <= ctx.reps; rep++) {
        log(`rep ${rep}/${ctx.reps}: ${p.rows} rows into the outbox, then the relay`);
        await fillOutbox(db, records);
        await orders.start();
        relayRates.push(await timeDrain(db, records.length, 180_000, log));
        log(`  relay ${fmt(relayRates.at(-1))}/s`);
        if (rep < ctx.reps) await orders.stop();
      }
      // The last relay is still running: measure pickup on it.
      await orders.waitReady();
      const pickups = await measurePickup(ctx, db, records, topics.orders, log);
      await orders.stop();

      const f = ctx.figures;
      f.fromValues(
        'relay',
        'relay.rate',
        `Outbox relay, pre-filled outbox (${p.rows} rows, ${avgSize} B values)`,
        'events/s',
        relayRates,
      );
      f.fromValues(
        'relay',
        'relay.raw',
        'kafkajs producer, same records (sendBatch, idempotent, acks=all)',
        'events/s',
        rawRates,
      );
      if (classpath)
        f.fromValues(
          'relay',
          'relay.java',
          `Kafka ProducerPerformance (${avgSize} B, acks=all, idempotent)`,
          'events/s',
          javaRates,
        );
      else
        f.missing(
          'relay',
          'relay.java',
          'Kafka ProducerPerformance',
          'events/s',
          'n/a: kafka-tools not available (Java and Maven needed)',
        );
      f.fromValues(
        'relay',
        'relay.vsRaw',
        'Relay / kafkajs producer',
        '%',
        relayRates.map((r, i) =>
          r !== undefined && rawRates[i] ? (100 * r) / rawRates[i] : undefined,
        ),
      );
      f.fromValues(
        'relay',
        'relay.pickupP50',
        `Relay pickup p50 at ${p.pickupRate} rows/s`,
        'ms',
        pickups.map((s) => s?.p50),
      );
      f.fromValues(
        'relay',
        'relay.pickupP99',
        `Relay pickup p99 at ${p.pickupRate} rows/s`,
        'ms',
        pickups.map((s) => s?.p99),
      );
      ctx.details['relay'] = {
        rows: p.rows,
        avgValueBytes: avgSize,
        relayRates,
        rawRates,
        javaRates,
        pickups,
      };
    } finally {
      await done();
    }
  },
};

/** Rows inserted at a fixed rate while the relay runs: Kafka record timestamp − insert time. */
async function measurePickup(
  ctx: BenchContext,
  db: BenchDatabase,
  records: readonly OutboxRecord[],
  topic: string,
  log: Log,
): Promise<(LatencySummary | undefined)[]> {
  const { pickupRate, pickupMs } = ctx.profile.relay;
  const kafka = benchKafka(ctx.stack);
  const count = Math.min(records.length, Math.round((pickupRate * pickupMs) / 1000));
  const out: (LatencySummary | undefined)[] = [];
  for (let rep = 1; rep <= ctx.reps; rep++) {
    log(
      `rep ${rep}/${ctx.reps}: pickup of ${count} rows inserted at ${pickupRate}/s while the relay runs`,
    );
    const before = await topicEnds(kafka, [topic]);
    const insertedAt = await pacedInserts(db, records.slice(0, count), pickupRate);
    await timeDrain(db, count, 60_000, log);
    const published = await readBetween(kafka, before, await topicEnds(kafka, [topic]));
    const pickups = published.flatMap((r) => {
      const at = insertedAt.get(r.ceId ?? '');
      return at === undefined ? [] : [r.timestamp - at];
    });
    const summary = summarizeLatencies(pickups);
    log(
      `  pickup p50 ${fmt(summary?.p50)} ms, p99 ${fmt(summary?.p99)} ms (${pickups.length} rows)`,
    );
    out.push(summary);
  }
  return out;
}
