import type { IHeaders } from 'kafkajs';
import { eventDefinitions } from './generated/catalog.js';
import type { EventType } from './catalog.js';
import { InvalidHeadersError } from './errors.js';
import { cloudEventsSpecVersion, HeaderNames } from './header-names.js';

export interface EventHeadersInput {
  /** The event id; consumers dedupe on it. */
  id: string;
  /** Record name; written as its full name (`orderflow.orders.OrderPlaced`) in `ce_type`. */
  type: EventType;
  /** URI reference of the producer, e.g. `/orderflow/orders`. */
  source: string;
  /** When the event happened; written as RFC 3339 in UTC. */
  time: Date;
  /** The orderId (also the message key). */
  subject: string;
  /** Id shared by every event of one saga run. */
  correlationId: string;
  /** Id of the event (or request) that caused this one. */
  causationId: string;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

export interface EventHeaders {
  id: string;
  /** `ce_type` as sent: the record's full name. */
  type: string;
  source: string;
  specVersion: string;
  time: Date;
  subject: string;
  correlationId: string;
  causationId: string;
  traceparent: string | undefined;
  tracestate: string | undefined;
}

export function buildHeaders(input: EventHeadersInput): IHeaders {
  const headers: IHeaders = {
    [HeaderNames.id]: input.id,
    [HeaderNames.type]: eventDefinitions[input.type].fullName,
    [HeaderNames.source]: input.source,
    [HeaderNames.specVersion]: cloudEventsSpecVersion,
    [HeaderNames.time]: input.time.toISOString(),
    [HeaderNames.subject]: input.subject,
    [HeaderNames.correlationId]: input.correlationId,
    [HeaderNames.causationId]: input.causationId,
  };
  if (input.traceparent) headers[HeaderNames.traceparent] = input.traceparent;
  if (input.tracestate) headers[HeaderNames.tracestate] = input.tracestate;
  return headers;
}

/**
 * Reads the headers of a consumed message. KafkaJS hands out Buffers, tests and
 * in-process code strings; a header sent twice arrives as an array, of which the last
 * wins (whoever appended it meant to override). Everything that is missing or malformed
 * is reported at once, as one non-retriable error.
 */
export function readHeaders(headers: IHeaders | undefined): EventHeaders {
  const problems: string[] = [];
  const optional = (name: string): string | undefined => {
    const raw = headers?.[name];
    const last = Array.isArray(raw) ? raw.at(-1) : raw;
    if (last === undefined) return undefined;
    return typeof last === 'string' ? last : last.toString('utf8');
  };
  const required = (name: string): string => {
    const value = optional(name);
    if (!value) problems.push(`missing ${name}`);
    return value ?? '';
  };

  const result: EventHeaders = {
    id: required(HeaderNames.id),
    type: required(HeaderNames.type),
    source: required(HeaderNames.source),
    specVersion: required(HeaderNames.specVersion),
    time: new Date(required(HeaderNames.time)),
    subject: required(HeaderNames.subject),
    correlationId: required(HeaderNames.correlationId),
    causationId: required(HeaderNames.causationId),
    traceparent: optional(HeaderNames.traceparent),
    tracestate: optional(HeaderNames.tracestate),
  };
  if (result.specVersion && result.specVersion !== cloudEventsSpecVersion) {
    problems.push(`unsupported ${HeaderNames.specVersion} ${result.specVersion}`);
  }
  const time = optional(HeaderNames.time);
  if (time && Number.isNaN(result.time.getTime())) {
    problems.push(`${HeaderNames.time} is not a timestamp: ${time}`);
  }
  if (problems.length > 0) throw new InvalidHeadersError(problems);
  return result;
}
