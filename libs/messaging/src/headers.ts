import type { IHeaders } from 'kafkajs';

/** The event catalog's header names (CloudEvents binary binding, W3C trace context). */
export { HeaderNames as Headers } from '@orderflow/events';

/** Headers added to a record when it is dead-lettered. */
export const DlqHeaders = {
  reason: 'dlq-reason',
  errorClass: 'dlq-error-class',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
  attempts: 'dlq-attempts',
  /** Set on a record re-produced to its original topic by a redrive. */
  redrivenAt: 'dlq-redriven-at',
} as const;

/** Kafka headers as plain strings (the binary binding only carries string values). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}
