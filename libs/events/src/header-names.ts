/**
 * Header names: CloudEvents 1.0 Kafka binary binding (attributes as `ce_` headers, the
 * Avro value as the data), W3C trace context, and our correlation/causation pair.
 */
export const HeaderNames = {
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

export const cloudEventsSpecVersion = '1.0';

/**
 * Headers a consumer adds to a record it dead-letters (to `<topic>.dlq`), and the one a
 * redrive adds when it re-produces the record to its original topic.
 */
export const DeadLetterHeaderNames = {
  reason: 'dlq-reason',
  errorClass: 'dlq-error-class',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
  attempts: 'dlq-attempts',
  redrivenAt: 'dlq-redriven-at',
} as const;
