import type { Span, Tracer } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SpanAttributes } from '@orderflow/telemetry';
import type { Message, Producer } from 'kafkajs';
import { Headers } from '../headers.js';
import { captureTraceContext, restoreTraceContext } from '../tracing.js';
import type { OutboxRow } from './outbox-rows.js';

/**
 * Sends the rows in one request per call (grouped by topic, order kept within each),
 * acks=all. Each row gets a publish span, the child of the span that wrote it, whose
 * context travels in the record's `traceparent`: the consumer's span is its child.
 */
export async function publishRows(
  producer: Producer,
  tracer: Tracer,
  rows: readonly OutboxRow[],
): Promise<void> {
  const spans: Span[] = [];
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    const parent = restoreTraceContext(row.trace_context);
    const span = tracer.startSpan(
      `${row.topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [SpanAttributes.messagingSystem]: 'kafka',
          [SpanAttributes.messagingOperationType]: 'publish',
          [SpanAttributes.messagingDestination]: row.topic,
          [SpanAttributes.messagingMessageId]: row.headers[Headers.id] ?? '',
          ...(row.key === null ? {} : { [SpanAttributes.orderId]: row.key }),
        },
      },
      parent,
    );
    spans.push(span);
    const headers = { ...row.headers, ...captureTraceContext(trace.setSpan(parent, span)) };
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.key, value: row.value, headers });
    byTopic.set(row.topic, messages);
  }
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  } catch (error) {
    for (const span of spans)
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
