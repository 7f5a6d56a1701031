import express from 'express';
import { randomUUID } from 'node:crypto';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { ErrorRequestHandler, Express, RequestHandler, Response } from 'express';
import { MetricNames } from '@orderflow/telemetry';
import type { Registry } from 'prom-client';
import { Counter, Histogram } from 'prom-client';
import type { ApiGuards, HttpApi } from './http-api.js';
import { currentLogContext, withLogContext } from './log-context.js';
import type { Logger } from './logger.js';
import { HttpProblem } from './problem.js';
import { routeOf, serverSpan } from './server-span.js';
import { shellRoutes } from './shell-routes.js';

export type ReadinessCheck = () => Promise<boolean>;

export const correlationHeader = 'X-Correlation-Id';

export interface HttpAppOptions {
  logger: Logger;
  metrics: Registry;
  /** Named probes behind GET /readyz; all must answer true within the timeout. */
  readiness: Record<string, ReadinessCheck>;
  /** The service's own operations; the shell adds its probes and metrics to them. */
  api: HttpApi;
  /** Authentication and rate limits of the operations that declare scopes. */
  guards?: ApiGuards;
  /** /metrics is served on a port of its own (see `createMetricsApp`), not here. */
  metricsElsewhere?: boolean;
  /** Largest accepted JSON body (express/body-parser syntax). */
  bodyLimit?: string;
}

/**
 * The HTTP shell every service shares: liveness, readiness, Prometheus metrics,
 * JSON bodies with a size limit, and one place where errors become problem+json.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(serverSpan());
  app.use(correlation);
  app.use(observe(options.logger, options.metrics));
  app.use(express.json({ limit: options.bodyLimit ?? '64kb', strict: true }));

  shellRoutes(options.api, options);
  if (options.guards) options.api.protect(options.guards);
  app.use(options.api.router);
  app.use(unrouted(options.api));
  app.use(errorHandler(options.logger));
  return app;
}

/** Only GET /metrics, for a port of its own (METRICS_PORT) that the public never reaches. */
export function createMetricsApp(metrics: Registry): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return app;
}

/**
 * A request no operation took: 405 with `Allow` when the path exists with other
 * methods (and the methods for OPTIONS), 404 otherwise.
 */
function unrouted(api: HttpApi): RequestHandler {
  return (req, res, next) => {
    const declared = api.allowedMethods(req.path);
    if (!declared) return next(HttpProblem.notFound(`no route for ${req.method} ${req.path}`));
    const allow = [...declared, 'OPTIONS'].join(', ');
    if (req.method === 'OPTIONS') return void res.status(204).set('Allow', allow).end();
    const detail = `${req.method} is not allowed on ${req.path}; allowed: ${declared.join(', ')}`;
    next(new HttpProblem(405, 'Method Not Allowed', detail, {}, { Allow: allow }));
  };
}

/**
 * Every request belongs to a saga run: it keeps the caller's X-Correlation-Id when it
 * is a sane token, or starts a new one, and answers with it.
 */
const correlation: RequestHandler = (req, res, next) => {
  const given = req.get(correlationHeader);
  const id = given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  res.locals['correlationId'] = id;
  res.setHeader(correlationHeader, id);
  // W3C Trace Context level 2 `traceresponse`: lets a caller open this request's trace.
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    const flags = span.traceFlags.toString(16).padStart(2, '0');
    res.setHeader('traceresponse', `00-${span.traceId}-${span.spanId}-${flags}`);
  }
  // Every log line written while handling this request carries the correlation id.
  withLogContext({ correlationId: id }, next);
};

/**
 * RED metrics per route template (not per URL: ids would explode the series) and one
 * access log line per request. Probes and scrapes are left out of both.
 */
function observe(logger: Logger, registry: Registry): RequestHandler {
  const requests = registeredCounter(
    registry,
    MetricNames.httpRequests,
    'HTTP requests by route and status class',
    ['method', 'route', 'status_class'],
  );
  const duration = registeredHistogram(
    registry,
    MetricNames.httpDuration,
    'HTTP request duration',
    ['method', 'route'],
  );
  return (req, res, next) => {
    if (/^\/(healthz|readyz|metrics)$/.test(req.path)) return next();
    const started = process.hrtime.bigint();
    const logContext = currentLogContext();
    // The request's trace context: 'finish' is emitted outside it, and the access log
    // line carries its trace id.
    const traceContext = context.active();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      requests.inc({
        method: req.method,
        route,
        status_class: `${Math.floor(res.statusCode / 100)}xx`,
      });
      duration.observe({ method: req.method, route }, seconds);
      const fields = {
        method: req.method,
        route,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 1000),
      };
      context.with(traceContext, () =>
        withLogContext(logContext, () => logger.info(fields, 'request')),
      );
    });
    next();
  };
}

function registeredCounter(registry: Registry, name: string, help: string, labelNames: string[]) {
  return (
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

function registeredHistogram(registry: Registry, name: string, help: string, labelNames: string[]) {
  return (
    (registry.getSingleMetric(name) as Histogram | undefined) ??
    new Histogram({
      name,
      help,
      labelNames,
      registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    })
  );
}

/** The correlation id of the request being handled (set by the HTTP shell). */
export function correlationIdOf(res: Response): string {
  return String(res.locals['correlationId']);
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error);
    // A problem a handler chose to answer with (a 503 under overload, say) is not an error.
    if (problem.status >= 500 && !(error instanceof HttpProblem)) {
      logger.error({ err: error, path: req.path }, 'request failed');
    }
    res
      .status(problem.status)
      .set(problem.headers)
      .type('application/problem+json')
      .json(problem.toJSON(req.originalUrl));
  };
}

/** Maps body-parser's errors (size, syntax) to problems; anything unknown is a 500. */
function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const e = error as { type?: string; status?: number; limit?: number };
  if (e.type === 'entity.too.large') {
    return new HttpProblem(413, 'Content Too Large', `request body exceeds ${e.limit} bytes`);
  }
  if (e.type === 'entity.parse.failed')
    return HttpProblem.badRequest('request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new HttpProblem(415, 'Unsupported Media Type', 'request body must be UTF-8 JSON');
  }
  // The router could not percent-decode a path parameter.
  if (error instanceof URIError)
    return HttpProblem.badRequest('the path is not valid percent-encoding');
  return new HttpProblem(500, 'Internal Server Error', 'an unexpected error occurred');
}
