import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';

/**
 * W3C trace context (`traceparent`, `tracestate`) of an OpenTelemetry context, through
 * the globally registered propagator (the OpenTelemetry SDK registers W3C by default).
 */
export function captureTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The OpenTelemetry context that a captured trace context (or Kafka headers) describes. */
export function restoreTraceContext(carrier: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}
