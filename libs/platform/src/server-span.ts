import type { Request, RequestHandler } from 'express';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';

/** Probes and scrapes are noise in a trace of an order. */
const untraced = /^\/(healthz|readyz|metrics)$/;

/**
 * One SERVER span per request, the child of the caller's `traceparent` if it sent one,
 * active while the request is handled, so that everything the request causes (the
 * order's events, through the outbox) joins its trace.
 *
 * Written here rather than taken from OpenTelemetry's HTTP instrumentation, which
 * hooks `require` for the whole process: every lazy `require` of a library (kafkajs
 * makes one per request it sends) then paid for a module resolution.
 */
export function serverSpan(serviceTracer = 'orderflow-http'): RequestHandler {
  const tracer = trace.getTracer(serviceTracer);
  return (req, res, next) => {
    if (untraced.test(req.path)) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': req.path },
      },
      parent,
    );
    res.once('finish', () => {
      // Named after the route template, as the HTTP conventions ask (ids would make
      // every request a name of its own).
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** The route template that matched (`/orders/:orderId`), or `unmatched`. */
export function routeOf(req: Request): string {
  return req.route ? `${req.baseUrl}${String((req.route as { path: string }).path)}` : 'unmatched';
}
