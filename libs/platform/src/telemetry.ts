import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  service: string;
  version: string;
  environment: string;
  /** OTLP/HTTP base URL, e.g. http://jaeger:4318; undefined: tracing off. */
  otlpEndpoint: string | undefined;
  /** Fraction of new traces to keep; children follow their parent's decision. */
  sampleRatio: number;
  /**
   * A span per SQL query. Off by default: a unit of work (an HTTP request, a consumed
   * record, a publication) is one span; per-query spans multiplied an order's spans by
   * ten. Turn on to see the queries.
   */
  traceSql: boolean;
  /** OTEL_SDK_DISABLED=true: no span is recorded or exported. */
  disabled: boolean;
}

/**
 * Starts tracing: W3C trace context and OTLP/HTTP export of traces in batches (and
 * instrumentation of pg when asked, which must run before pg is loaded, so each
 * service's entry point imports `instrument.ts` first). The HTTP shell makes the
 * server spans (server-span.ts); the messaging library makes the Kafka spans and
 * carries the context through the outbox.
 *
 * The tracer provider, not the all-in-one NodeSDK: metrics are Prometheus' job (served
 * at /metrics) and nothing but traces is exported, and the SDK's other exporters cost a
 * service 1.3–2 s of start-up to load.
 */
export function startTelemetry(options: TelemetryOptions): { shutdown(): Promise<void> } {
  const exporting = options.otlpEndpoint !== undefined && !options.disabled;
  // Without an exporter the provider still runs, sampling nothing: W3C trace context
  // keeps flowing, so every record still carries the traceparent the contract promises
  // and one order keeps one trace id in the logs.
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.service,
      [ATTR_SERVICE_VERSION]: options.version,
      'deployment.environment.name': options.environment,
    }),
    sampler: new ParentBasedSampler({
      root: exporting ? new TraceIdRatioBasedSampler(options.sampleRatio) : new AlwaysOffSampler(),
    }),
    spanProcessors: exporting
      ? [
          new BatchSpanProcessor(
            new OTLPTraceExporter({ url: `${options.otlpEndpoint!.replace(/\/$/, '')}/v1/traces` }),
          ),
        ]
      : [],
  });
  // The global tracer provider, AsyncLocalStorage context and W3C propagation.
  provider.register();
  // Only on request: the instrumentation hooks every `require` of the process.
  if (options.traceSql && exporting) {
    registerInstrumentations({
      tracerProvider: provider,
      instrumentations: [new PgInstrumentation({ requireParentSpan: true })],
    });
  }
  return { shutdown: () => provider.shutdown() };
}
