import type { Context, Span, Tracer } from '@opentelemetry/api';
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { SpanAttributes } from '@orderflow/telemetry';
import { NonRetriableError, isRetriable } from '../errors.js';
import { restoreTraceContext } from '../tracing.js';
import type { InboundMessage } from './inbound-message.js';

/** `ignored`: a record the service does not react to, acknowledged without a transaction. */
export type Outcome = 'handled' | 'duplicate' | 'dead_lettered' | 'ignored';

/**
 * One record on its way through the consumer: what `decode` made of it, the keys its
 * transaction locks, and its process span (the child of the span that published it,
 * so that the order's trace continues here).
 */
export interface Delivery<T> {
  message: InboundMessage;
  decoded: T;
  /** Set when the record cannot be handled at all; it is dead-lettered. */
  poison?: unknown;
  /** Decoding failed in a way that may pass later (the registry is unreachable, say). */
  undecoded?: unknown;
  keys: string[];
  /** Set for a record the service does not react to: no span, no transaction. */
  ignored?: boolean;
  span: Span;
  /** The span's context: the handler runs in it, so what it writes carries it. */
  context: Context;
  outcome?: Outcome;
}

export interface PrepareOptions<T> {
  groupId: string;
  tracer: Tracer;
  decode?: (message: InboundMessage) => T | Promise<T>;
  lockKeys?: (message: InboundMessage, decoded: T) => string[];
  /** Records the service does not react to (nothing to write, nothing to dedupe). */
  ignore?: (message: InboundMessage, decoded: T) => boolean;
}

/**
 * Checks what every record needs (an event id to dedupe on, a key to order by),
 * decodes it and opens its span; nothing here touches the database.
 */
export async function prepareDelivery<T>(
  message: InboundMessage,
  options: PrepareOptions<T>,
): Promise<Delivery<T>> {
  let decoded = undefined as T;
  let poison: unknown;
  let undecoded: unknown;
  let keys: string[] = [];
  if (!message.id) poison = new NonRetriableError('record has no ce_id header');
  // An empty key (some clients write one for "no key") orders nothing either.
  else if (!message.key) poison = new NonRetriableError('record has no key');
  else {
    try {
      decoded = options.decode ? await options.decode(message) : (undefined as T);
      if (options.ignore?.(message, decoded)) {
        return { message, decoded, keys, ignored: true, span: idle, context: ROOT_CONTEXT };
      }
      keys = options.lockKeys?.(message, decoded) ?? [message.key];
    } catch (error) {
      if (isRetriable(error)) undecoded = error;
      else poison = error;
    }
  }
  const parent = restoreTraceContext(message.headers);
  const span = options.tracer.startSpan(
    `${message.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [SpanAttributes.messagingSystem]: 'kafka',
        [SpanAttributes.messagingOperationType]: 'process',
        [SpanAttributes.messagingDestination]: message.topic,
        [SpanAttributes.messagingConsumerGroup]: options.groupId,
        [SpanAttributes.messagingMessageId]: message.id ?? '',
        // Records are keyed by order id: the span belongs to that order's saga.
        ...(message.key ? { [SpanAttributes.orderId]: message.key } : {}),
      },
    },
    parent,
  );
  return {
    message,
    decoded,
    keys,
    span,
    context: trace.setSpan(parent, span),
    ...(poison === undefined ? {} : { poison }),
    ...(undecoded === undefined ? {} : { undecoded }),
  };
}

/** The span of an ignored record: none is recorded. */
const idle = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Ends the record's span with what became of it. */
export function finishDelivery(delivery: Delivery<unknown>, outcome: Outcome, error?: unknown) {
  delivery.outcome = outcome;
  delivery.span.setAttribute(SpanAttributes.outcome, outcome);
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    delivery.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  delivery.span.end();
}
