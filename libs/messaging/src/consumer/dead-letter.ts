import type { Message } from 'kafkajs';
import { DlqHeaders } from '../headers.js';
import type { InboundMessage } from './inbound-message.js';

/** Dead letters of `orders.events` go to `orders.events.dlq`, shared by every group. */
export const defaultDeadLetterTopic = (topic: string): string => `${topic}.dlq`;

const MAX_REASON_LENGTH = 2_000;

/**
 * The record to dead-letter: the original key, value and headers, plus what failed and
 * where the record came from, so that it can be inspected and redriven as it was.
 */
export function deadLetterMessage(
  message: InboundMessage,
  error: unknown,
  attempts: number,
  consumerGroup: string,
  now: Date,
): Message {
  const reason = error instanceof Error ? error.message : String(error);
  const errorClass = error instanceof Error ? error.name || error.constructor.name : typeof error;
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DlqHeaders.reason]: reason.slice(0, MAX_REASON_LENGTH),
      [DlqHeaders.errorClass]: errorClass,
      [DlqHeaders.originalTopic]: message.topic,
      [DlqHeaders.originalPartition]: String(message.partition),
      [DlqHeaders.originalOffset]: message.offset,
      [DlqHeaders.consumerGroup]: consumerGroup,
      [DlqHeaders.failedAt]: now.toISOString(),
      [DlqHeaders.attempts]: String(attempts),
    },
  };
}
