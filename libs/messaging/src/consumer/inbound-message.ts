import type { Context } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { Headers, headersToStrings } from '../headers.js';

/** A consumed Kafka record with string headers and its `ce_id` as `id`. */
export interface InboundMessage {
  /** The `ce_id` header: the event id the inbox dedupes on. */
  id: string | undefined;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

export interface HandlerContext<T = undefined> {
  /** 1 for the first delivery attempt, 2 for the first retry, … */
  attempt: number;
  /** What the consumer's `decode` made of the record. */
  decoded: T;
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** The consume span's context; pass it on (it is also the active context). */
  traceContext: Context;
}

export function toInboundMessage(
  topic: string,
  partition: number,
  message: KafkaMessage,
): InboundMessage {
  const headers = headersToStrings(message.headers);
  return {
    id: headers[Headers.id],
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}
