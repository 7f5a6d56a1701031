import { MetricNames } from '@orderflow/telemetry';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { counter, gauge, histogram } from '../metrics.js';
import type { Executor, MessagingTables } from '../types.js';

/**
 * What an operator needs to see about a relay: how much is waiting, how old the oldest
 * waiting row is, how long rows take from write to Kafka, and the age of the oldest
 * open transaction anywhere in the cluster, which holds the relay back (rows are read
 * only below the oldest running transaction id) and should alert when it grows.
 */
export function relayMetrics<DB extends MessagingTables>(
  registry: Registry,
  db: Executor<DB>,
  service: string,
) {
  const labels = { service };
  const scrape = async (query: () => Promise<number>, set: (v: number) => void) => {
    try {
      set(await query());
    } catch {
      // A scrape while the database is unreachable leaves the last value.
    }
  };
  gauge(registry, {
    name: MetricNames.outboxBacklog,
    help: 'Outbox rows not yet published',
    labelNames: ['service'],
    async collect() {
      await scrape(
        async () => {
          const { rows } = await sql<{ n: string }>`select count(*) as n from outbox`.execute(db);
          return Number(rows[0]?.n ?? 0);
        },
        (v) => this.set(labels, v),
      );
    },
  });
  gauge(registry, {
    name: MetricNames.outboxOldestAge,
    help: 'Age of the oldest unpublished outbox row (0 when empty)',
    labelNames: ['service'],
    async collect() {
      await scrape(
        async () => {
          const { rows } = await sql<{ age: number | null }>`
          select extract(epoch from now() - min(created_at))::float8 as age from outbox`.execute(
            db,
          );
          return rows[0]?.age ?? 0;
        },
        (v) => this.set(labels, v),
      );
    },
  });
  gauge(registry, {
    name: MetricNames.postgresOldestTransactionAge,
    help: 'Age of the oldest transaction holding an xid in the cluster; it stalls the outbox relay',
    labelNames: ['service'],
    async collect() {
      await scrape(
        async () => {
          const { rows } = await sql<{ age: number | null }>`
          select extract(epoch from clock_timestamp() - min(xact_start))::float8 as age
          from pg_stat_activity where backend_xid is not null`.execute(db);
          return rows[0]?.age ?? 0;
        },
        (v) => this.set(labels, v),
      );
    },
  });
  return {
    leader: gauge(registry, {
      name: MetricNames.outboxLeader,
      help: '1 while this process holds the relay lock and publishes',
      labelNames: ['service'],
    }).labels(labels),
    published: counter(registry, {
      name: MetricNames.outboxPublished,
      help: 'Outbox rows published to Kafka (a row re-sent after a crash counts again)',
      labelNames: ['service'],
    }).labels(labels),
    publishErrors: counter(registry, {
      name: MetricNames.outboxPublishErrors,
      help: 'Failed batch publications (retried)',
      labelNames: ['service'],
    }).labels(labels),
    publishLatency: histogram(registry, {
      name: MetricNames.outboxPublishLatency,
      help: 'From the writing transaction start to the acknowledged publication',
      labelNames: ['service'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }).labels(labels),
  };
}

export type RelayMetrics = ReturnType<typeof relayMetrics>;
