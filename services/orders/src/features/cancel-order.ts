import type { Context, Link, Span, Tracer } from '@opentelemetry/api';
import { SpanStatusCode, context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { HandleCommandResult } from '@orderflow/messaging';
import { loadStream, lockKeys, restoreTraceContext } from '@orderflow/messaging';
import type { EventPublisher } from '@orderflow/platform';
import { SpanAttributes } from '@orderflow/telemetry';
import type { OrderEvent, OrderState } from '../domain/order.js';
import type { OrdersDatabase, OrdersDb } from '../infra/database.js';
import { executeOrderCommand, lockKeysFor, streamOf } from './order-commands.js';

export interface CancelRequest {
  reason: 'CUSTOMER_REQUEST' | 'TIMEOUT';
  now: Date;
  /** What asked for the cancellation: the request's correlation id, or the deadline. */
  causationId: string;
}

/**
 * Cancels an order, at the customer's request or at the saga deadline. The
 * cancellation is a step of the order's saga, not of whatever asked for it: its
 * OrderCancelled carries the correlation id the order was placed with and continues
 * the order's trace (from the trace context stored with OrderPlaced), so the refund,
 * the release of stock and the e-mail it causes are in that trace too. The span of the
 * caller (the cancel request, in the client's trace) and the cancellation's span link
 * to each other. See docs/adr/0003-one-trace-per-order.md.
 */
export async function cancelOrder(
  db: OrdersDb,
  publisher: EventPublisher,
  orderId: string,
  request: CancelRequest,
  tracer: Tracer = trace.getTracer('orderflow-orders'),
): Promise<HandleCommandResult<OrderEvent, OrderState>> {
  const caller = trace.getActiveSpan();
  let span: Span | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      // What handleCommand would lock and read first; read here to learn the origin.
      await lockKeys(trx, lockKeysFor(orderId));
      const stream = await loadStream<OrderEvent, OrdersDatabase>(trx, streamOf(orderId));
      const origin = originOf(stream.events[0]?.metadata);
      const callerContext = caller?.spanContext();
      const links: Link[] =
        origin.fromOrder && callerContext && isSpanContextValid(callerContext)
          ? [{ context: callerContext }]
          : [];
      const attributes = {
        [SpanAttributes.orderId]: orderId,
        [SpanAttributes.sagaStep]: `orders cancel (${request.reason})`,
        ...(origin.correlationId ? { [SpanAttributes.correlationId]: origin.correlationId } : {}),
      };
      span = tracer.startSpan('order cancel', { attributes, links }, origin.trace);
      if (links.length > 0) caller?.addLink({ context: span.spanContext() });
      const causation = {
        correlationId: origin.correlationId ?? request.causationId,
        causationId: request.causationId,
      };
      const command = {
        type: 'CancelOrder' as const,
        data: { reason: request.reason, now: request.now },
      };
      return context.with(trace.setSpan(origin.trace, span), () =>
        executeOrderCommand(trx, publisher, orderId, command, causation, { loaded: stream }),
      );
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    span?.setStatus({ code: SpanStatusCode.ERROR, message });
    throw error;
  } finally {
    span?.end();
  }
}

/**
 * The saga's origin, from the metadata of the order's first event: its correlation id
 * and the trace context of the request that placed it. An order placed while tracing
 * was off has none: the cancellation then continues the caller's trace.
 */
function originOf(metadata: Record<string, unknown> | undefined): {
  correlationId: string | undefined;
  trace: Context;
  /** False when the order has no trace context of its own. */
  fromOrder: boolean;
} {
  const text = (name: string) => {
    const value = metadata?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const traceparent = text('traceparent');
  const tracestate = text('tracestate');
  return {
    correlationId: text('correlationId'),
    trace: traceparent
      ? restoreTraceContext({ traceparent, ...(tracestate ? { tracestate } : {}) })
      : context.active(),
    fromOrder: traceparent !== undefined,
  };
}
