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
