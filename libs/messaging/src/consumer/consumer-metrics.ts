import { MetricNames } from '@orderflow/telemetry';
import type { Registry } from 'prom-client';
import { counter, histogram } from '../metrics.js';
import type { Outcome } from './delivery.js';

/**
 * What an operator needs to see of a consumer: outcomes, retries, how long and how
 * big its transactions are, and how old records are when their handling starts.
 */
export function consumerMetrics(registry: Registry) {
  const outcomes = counter(registry, {
    name: MetricNames.consumerMessages,
    help: 'Consumed records by outcome',
    labelNames: ['group', 'topic', 'outcome'],
  });
  const retries = counter(registry, {
    name: MetricNames.consumerRetries,
    help: 'Transaction attempts that failed with a retriable error and were retried',
    labelNames: ['group', 'topic'],
  });
  const duration = histogram(registry, {
    name: MetricNames.consumerHandlerDuration,
    help: 'One transaction attempt of a batch (or of a single record): lock, inbox, handlers and commit',
    labelNames: ['group', 'topic'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const batchRecords = histogram(registry, {
    name: MetricNames.consumerBatchRecords,
    help: 'Records handled in one transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  });
  const age = histogram(registry, {
    name: MetricNames.consumerRecordAge,
    help: 'From the record timestamp (when the relay sent it) to the start of its handling',
    labelNames: ['topic'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  return {
    retries,
    batchRecords,
    startAttempt: (group: string, topic: string) => duration.startTimer({ group, topic }),
    recordAge: (topic: string, seconds: number) => age.observe({ topic }, Math.max(0, seconds)),
    outcome: (group: string, topic: string, outcome: Outcome) =>
      outcomes.inc({ group, topic, outcome }),
  };
}
