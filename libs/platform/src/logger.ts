import { isSpanContextValid, trace } from '@opentelemetry/api';
import { LogFields } from '@orderflow/telemetry';
import pino from 'pino';
import type { Logger } from 'pino';
import { currentLogContext } from './log-context.js';

export type { Logger };

/**
 * Structured JSON logs on stdout, one object per line, with the service name and —
 * whenever there is one — the trace id, span id, correlation id and order id, so the
 * lines of all services about one order can be joined, and opened in Jaeger.
 * Secrets that might appear in logged objects are redacted.
 */
export function createLogger(options: { service: string; level: string }): Logger {
  // Written asynchronously: a line is handed to the OS at once when the last write is
  // done, and lines logged meanwhile go out together, so a busy service no longer pays
  // a synchronous write per line. pino flushes what is left when the process exits;
  // only a SIGKILL can lose the lines of the write in flight.
  const destination = pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: ['password', '*.password', 'headers.authorization', 'connectionString'],
      mixin() {
        const fields: Record<string, string> = {};
        const span = trace.getActiveSpan()?.spanContext();
        if (span && isSpanContextValid(span)) {
          fields[LogFields.traceId] = span.traceId;
          fields[LogFields.spanId] = span.spanId;
        }
        const { correlationId, orderId } = currentLogContext();
        if (correlationId) fields[LogFields.correlationId] = correlationId;
        if (orderId) fields[LogFields.orderId] = orderId;
        return fields;
      },
    },
    destination,
  );
}
