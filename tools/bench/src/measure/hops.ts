import type { Kafka } from 'kafkajs';
import type { BenchDatabase } from '../infra/databases.js';
import type { Saga } from '../infra/saga.js';
import { groupOf, topicOf } from '../infra/topics.js';
import type { ServiceName } from '../infra/services.js';
import { serviceNames } from '../infra/services.js';
import type { Histogram } from '../prometheus.js';
import { histogramDelta, histogramQuantile, parseHistogram } from '../prometheus.js';
import type { LatencySummary } from '../stats.js';
import { summarizeLatencies } from '../stats.js';
import type { RecordInfo, TopicEnds } from './topics.js';
import { readBetween, topicEnds } from './topics.js';

/** Which service consumes whose topic (architecture.md §2). */
const consumers: Record<ServiceName, ServiceName[]> = {
  orders: ['payments', 'shipping', 'notifications'],
  payments: ['orders', 'shipping'],
  shipping: ['orders', 'payments'],
  notifications: [],
};

const handlerMetric = 'consumer_handler_duration_seconds';

/** Per-hop latencies (ms) of one window; undefined where this code version has no data. */
export interface Hops {
  /** Kafka record timestamp − `events.recorded_at` of the event it carries. */
  relayPickup: LatencySummary | undefined;
  /** Consumer's `inbox.received_at` − Kafka record timestamp. */
  transit: LatencySummary | undefined;
  /** consumer_handler_duration_seconds over the window, per service: p50/p99 from buckets. */
  handler: Partial<Record<ServiceName, { p50: number; p99: number; count: number }>>;
}

export interface HopsProbe {
  ends: TopicEnds;
  metrics: Partial<Record<ServiceName, Histogram>>;
}

/** Before the window: where each topic ends and what the handler histograms hold. */
export async function hopsBefore(kafka: Kafka, saga: Saga): Promise<HopsProbe> {
  return { ends: await topicEnds(kafka, topics(saga)), metrics: await handlerHistograms(saga) };
}

/** After the window has drained: the records written meanwhile, matched in the databases. */
export async function hopsAfter(
  kafka: Kafka,
  saga: Saga,
  before: HopsProbe,
  orderIds: ReadonlySet<string>,
): Promise<Hops> {
  const after = await handlerHistograms(saga);
  const handler: Hops['handler'] = {};
  for (const name of serviceNames) {
    const end = after[name];
    if (!end) continue;
    const delta = histogramDelta(end, before.metrics[name]);
    if (delta.count <= 0) continue;
    handler[name] = {
      p50: histogramQuantile(delta, 0.5) * 1000,
      p99: histogramQuantile(delta, 0.99) * 1000,
      count: delta.count,
    };
  }
  const records = (
    await readBetween(kafka, before.ends, await topicEnds(kafka, topics(saga)))
  ).filter((r) => r.key !== undefined && orderIds.has(r.key) && r.ceId !== undefined);
  const pickups: number[] = [];
  const transits: number[] = [];
  for (const producer of serviceNames) {
    const own = records.filter((r) => r.topic === topicOf(saga.prefix, producer));
    if (own.length === 0) continue;
    const recorded = await timesById(
      saga.db[producer],
      `select event_id::text as id, extract(epoch from recorded_at) * 1000 as at
       from events where event_id = any($1::uuid[])`,
      own,
    );
    for (const r of own) {
      const at = recorded.get(r.ceId ?? '');
      if (at !== undefined) pickups.push(r.timestamp - at);
    }
    for (const consumer of consumers[producer]) {
      const received = await timesById(
        saga.db[consumer],
        `select message_id as id, extract(epoch from received_at) * 1000 as at
         from inbox where message_id = any($1::text[]) and consumer = $2`,
        own,
        [groupOf(saga.prefix, consumer)],
      );
      for (const r of own) {
        const at = received.get(r.ceId ?? '');
        if (at !== undefined) transits.push(at - r.timestamp);
      }
    }
  }
  return {
    relayPickup: summarizeLatencies(pickups),
    transit: summarizeLatencies(transits),
    handler,
  };
}

function topics(saga: Saga): string[] {
  return serviceNames.map((s) => topicOf(saga.prefix, s));
}

async function handlerHistograms(saga: Saga): Promise<Partial<Record<ServiceName, Histogram>>> {
  const out: Partial<Record<ServiceName, Histogram>> = {};
  for (const name of serviceNames) {
    const text = await saga.services[name].scrapeMetrics();
    const histogram = text === undefined ? undefined : parseHistogram(text, handlerMetric);
    if (histogram) out[name] = histogram;
  }
  return out;
}

/** id → epoch ms; empty when this code version lacks the table or column. */
async function timesById(
  db: BenchDatabase,
  sql: string,
  records: RecordInfo[],
  more: unknown[] = [],
): Promise<Map<string, number>> {
  try {
    const ids = records.map((r) => r.ceId);
    const rows = await db.query<{ id: string; at: number }>(sql, [ids, ...more]);
    return new Map(rows.map((r) => [r.id, Number(r.at)]));
  } catch {
    return new Map();
  }
}
