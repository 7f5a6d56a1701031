import type { IHeaders } from 'kafkajs';

/**
 * Header names of the CloudEvents Kafka binary binding and W3C trace context, as the
 * event catalog defines them. Kept local so that this library does not depend on the
 * contracts package.
 */
export const Headers = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  specVersion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;

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
