/**
 * Imported first by every service's main.ts: starts tracing before express and pg
 * load. It reads the standard OpenTelemetry variables, and TRACE_SQL=true for a span per
 * SQL query.
 */
import { startTelemetry } from './telemetry.js';

const env = process.env;
const ratio = Number(env['OTEL_TRACES_SAMPLER_ARG'] ?? '1');
export const telemetry = startTelemetry({
  service: env['OTEL_SERVICE_NAME'] ?? 'orderflow',
  version: env['npm_package_version'] ?? '0.1.0',
  environment: env['DEPLOYMENT_ENVIRONMENT'] ?? 'development',
  otlpEndpoint: env['OTEL_EXPORTER_OTLP_ENDPOINT'] || undefined,
  sampleRatio: Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1,
  traceSql: env['TRACE_SQL'] === 'true',
  disabled: env['OTEL_SDK_DISABLED'] === 'true',
});
