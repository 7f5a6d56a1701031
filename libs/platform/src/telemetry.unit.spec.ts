import { context, propagation, trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry.js';

describe('tracing switched off', () => {
  it('records nothing, and still propagates a W3C traceparent (not sampled) for records to carry', async () => {
    const telemetry = startTelemetry({
      service: 'telemetry-test',
      version: '0.0.0',
      environment: 'test',
      otlpEndpoint: 'http://127.0.0.1:9/unused',
      sampleRatio: 1,
      traceSql: false,
      disabled: true,
    });
    try {
      const carrier: Record<string, string> = {};
      const span = trace.getTracer('test').startSpan('unit of work');
      context.with(trace.setSpan(context.active(), span), () => {
        propagation.inject(context.active(), carrier);
      });
      span.end();
      expect(span.isRecording()).toBe(false);
      expect(carrier['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(carrier['traceparent']).toContain(span.spanContext().traceId);
      expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    } finally {
      await telemetry.shutdown();
    }
  });
});
