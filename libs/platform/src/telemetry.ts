import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  service: string;
  version: string;
  environment: string;
  /** OTLP/HTTP base URL, e.g. http://jaeger:4318; undefined: tracing off. */
  otlpEndpoint: string | undefined;
  /** Fraction of new traces to keep; children follow their parent's decision. */
  sampleRatio: number;
}

/**
 * Starts the OpenTelemetry SDK: W3C trace context, OTLP export, and instrumentation
 * of HTTP, Express and pg. Must run before express and pg are loaded, so each
 * service's entry point imports its `instrument.ts` first. The messaging library
 * creates the Kafka spans itself and carries the context through the outbox.
 */
export function startTelemetry(options: TelemetryOptions): { shutdown(): Promise<void> } {
  if (!options.otlpEndpoint) return { shutdown: () => Promise.resolve() };
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.service,
      [ATTR_SERVICE_VERSION]: options.version,
      'deployment.environment.name': options.environment,
    }),
    traceExporter: new OTLPTraceExporter({
      url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are noise in a trace of an order.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? ''),
      }),
      new ExpressInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
