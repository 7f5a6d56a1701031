import { isSpanContextValid, trace } from '@opentelemetry/api';
import { LogFields } from '@orderflow/telemetry';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { currentLogContext } from './log-context.js';

export type { Logger };

/**
 * Structured JSON logs on stdout, one object per line, with the service name and —
 * whenever there is one — the trace id, span id, correlation id and order id, so the
 * lines of all services about one order can be joined, and opened in Jaeger.
 * Secrets never reach a line: fields that hold them are redacted by name, and the
 * password of any URL with credentials (a connection string in an error message, say)
 * is masked wherever it appears.
 */
export function createLogger(options: {
  service: string;
  level: string;
  /** stdout unless given (tests capture the lines). */
  destination?: DestinationStream;
}): Logger {
  // Written asynchronously: a line is handed to the OS at once when the last write is
  // done, and lines logged meanwhile go out together, so a busy service no longer pays
  // a synchronous write per line. pino flushes what is left when the process exits;
  // only a SIGKILL can lose the lines of the write in flight.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => maskCredentials(object, 3) as Record<string, unknown>,
      },
      serializers: { err: serializeError },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? maskUrlCredentials(a) : a)) as Parameters<
              typeof method
            >,
          );
        },
      },
      redact: {
        paths: secretFields.flatMap((field) => [field, `*.${field}`]),
        censor: '[redacted]',
      },
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

/** Fields whose value is a secret or may carry one, at the top level or one below. */
const secretFields = [
  'password',
  'passphrase',
  'token',
  'secret',
  'authorization',
  'cookie',
  'connectionString',
  'DATABASE_URL',
  'DATABASE_MIGRATION_URL',
  'headers.authorization',
  'headers.cookie',
];

/** `scheme://user:password@host` → `scheme://user:***@host`, anywhere in a text. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#@]*@/gi, '$1:***@');
}

/** `maskUrlCredentials` on every string of a plain object, down to `depth` levels. */
function maskCredentials(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskCredentials(v, depth - 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const masked: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) masked[key] = maskCredentials(v, depth - 1);
  return masked;
}

/** pino's error serializer, with credentials masked in the message, stack and fields. */
function serializeError(err: Error): unknown {
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of Object.keys(serialized)) {
    serialized[key] = maskCredentials(serialized[key], 3);
  }
  return serialized;
}
