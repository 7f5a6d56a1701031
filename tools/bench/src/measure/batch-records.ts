import type { Saga } from '../infra/saga.js';
import type { ServiceName } from '../infra/services.js';
import { serviceNames } from '../infra/services.js';
import { parseHistogram } from '../prometheus.js';

/** libs/telemetry MetricNames.consumerBatchRecords: records handled in one consumer transaction. */
export const batchRecordsMetric = 'consumer_batch_records';

/** Per service: records handled (sum) and consumer transactions (count) so far. */
export type BatchCounts = Partial<Record<ServiceName, { sum: number; count: number }>>;

/** Each service's consumer_batch_records_sum/_count now; a service without it is left out. */
export async function batchCounts(saga: Saga): Promise<BatchCounts> {
  const out: BatchCounts = {};
  for (const name of serviceNames) {
    const text = await saga.services[name].scrapeMetrics();
    const histogram = text === undefined ? undefined : parseHistogram(text, batchRecordsMetric);
    if (histogram) out[name] = { sum: histogram.sum, count: histogram.count };
  }
  return out;
}

/** What was counted between two scrapes (a restarted service counts from zero again). */
export function batchDelta(after: BatchCounts, before: BatchCounts): BatchCounts {
  const out: BatchCounts = {};
  for (const name of serviceNames) {
    const a = after[name];
    if (!a) continue;
    const b = before[name];
    const restarted = b !== undefined && (a.count < b.count || a.sum < b.sum);
    out[name] = b && !restarted ? { sum: a.sum - b.sum, count: a.count - b.count } : a;
  }
  return out;
}

export interface MeanBatch {
  /** Records per consumer transaction over the four services together. */
  mean: number | undefined;
  perService: Partial<Record<ServiceName, number>>;
  transactions: number;
}

/** The mean records per transaction over some windows' deltas, overall and per service. */
export function meanBatch(deltas: readonly BatchCounts[]): MeanBatch {
  const totals = new Map<ServiceName, { sum: number; count: number }>();
  for (const delta of deltas) {
    for (const name of serviceNames) {
      const d = delta[name];
      if (!d) continue;
      const t = totals.get(name) ?? { sum: 0, count: 0 };
      totals.set(name, { sum: t.sum + d.sum, count: t.count + d.count });
    }
  }
  const perService: MeanBatch['perService'] = {};
  let sum = 0;
  let count = 0;
  for (const [name, t] of totals) {
    if (t.count <= 0) continue;
    perService[name] = t.sum / t.count;
    sum += t.sum;
    count += t.count;
  }
  return { mean: count > 0 ? sum / count : undefined, perService, transactions: count };
}
