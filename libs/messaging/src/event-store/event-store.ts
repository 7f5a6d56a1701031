import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { ExpectedVersion } from '../errors.js';
import { WrongExpectedVersionError } from '../errors.js';
import { assertKeysLocked } from '../lock-key.js';
import { unitOfWorkOf } from './current-unit.js';
import { captureTraceContext } from '../tracing.js';
import type { EventsTable, Executor, MessagingTables } from '../types.js';
import { messagingDb } from '../types.js';

export interface NewEvent {
  type: string;
  /** JSON-serialisable: dates as ISO strings, money as integer minor units. */
  data: unknown;
  metadata?: Record<string, unknown>;
  /** Defaults to a random UUID. */
  eventId?: string;
}

export interface EventRecord {
  streamId: string;
  version: number;
  eventId: string;
  metadata: Record<string, unknown>;
  /** Position in the service's whole event log; a string because it is a Postgres bigint. */
  globalPosition: string;
  recordedAt: Date;
}

/**
 * An event as stored, with where and when. Distributes over a union of events, so it is
 * itself a discriminated union: checking `type` narrows `data`, and a recorded event is
 * an `E` as it stands.
 */
export type RecordedEvent<E extends { type: string; data: unknown } = NewEvent> = E extends unknown
  ? EventRecord & { type: E['type']; data: E['data'] }
  : never;

export interface StreamEvents<E extends { type: string; data: unknown } = NewEvent> {
  events: RecordedEvent<E>[];
  /** 0 for a stream with no events. */
  version: number;
}

/**
 * Appends events to a stream with optimistic concurrency: `expectedVersion` is the
 * version the caller decided on (0 or 'no_stream' for a new stream, 'any' to skip the
 * check). The stream id must be locked first (`lockKeys`), which also makes the
 * version check exact: no one else can append to the stream until this commits.
 *
 * One statement: it numbers the new events after the stream's current version and
 * inserts them only if that version is the expected one.
 */
export async function appendEvents<DB extends MessagingTables>(
  trx: Executor<DB>,
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<RecordedEvent[]> {
  const expected = expectedVersion === 'no_stream' ? 0 : expectedVersion;
  const unit = unitOfWorkOf(trx);
  if (unit) return unit.append(streamId, expected, events);
  assertKeysLocked(trx, [streamId]);
  if (events.length === 0) {
    if (expected !== 'any') await checkVersion(trx, streamId, expected);
    return [];
  }
  const trace = captureTraceContext();
  const rows = events.map((event) => {
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify({ ...trace, ...event.metadata });
    // Returned as read back from jsonb, so callers see the same shape a load gives them.
    return {
      eventId: event.eventId ?? randomUUID(),
      type: event.type,
      data,
      metadata,
      parsed: {
        data: JSON.parse(data) as unknown,
        metadata: JSON.parse(metadata) as Record<string, unknown>,
      },
    };
  });
  const { rows: inserted } = await sql<{
    event_id: string;
    global_position: string;
    version: number;
    recorded_at: Date;
  }>`
    with current as (
      select coalesce(max(version), 0) as version from events where stream_id = ${streamId}
    )
    insert into events (stream_id, version, event_id, type, data, metadata)
    select ${streamId}, current.version + e.ord, e.event_id, e.type, e.data, e.metadata
    from current,
      unnest(
        ${rows.map((r) => r.eventId)}::uuid[],
        ${rows.map((r) => r.type)}::text[],
        ${rows.map((r) => r.data)}::jsonb[],
        ${rows.map((r) => r.metadata)}::jsonb[]
      ) with ordinality as e(event_id, type, data, metadata, ord)
    where ${expected === 'any' ? null : expected}::integer is null
       or current.version = ${expected === 'any' ? null : expected}::integer
    order by e.ord
    returning event_id, global_position, version, recorded_at`.execute(trx);
  if (inserted.length === 0) {
    const actual = await streamVersion(trx, streamId);
    throw new WrongExpectedVersionError(streamId, expectedVersion, actual);
  }
  const stored = new Map(inserted.map((row) => [row.event_id, row]));
  return rows.map((event) => {
    const row = stored.get(event.eventId);
    if (!row) throw new Error(`event ${event.eventId} was not stored`);
    return {
      streamId,
      version: row.version,
      eventId: event.eventId,
      type: event.type,
      data: event.parsed.data,
      metadata: event.parsed.metadata,
      globalPosition: row.global_position,
      recordedAt: row.recorded_at,
    };
  });
}

async function checkVersion<DB extends MessagingTables>(
  trx: Executor<DB>,
  streamId: string,
  expected: number,
): Promise<void> {
  const actual = await streamVersion(trx, streamId);
  if (actual !== expected) throw new WrongExpectedVersionError(streamId, expected, actual);
}

/**
 * A stream as the transaction sees it: in a unit of work, what the unit read plus
 * what it appended (see UnitOfWork); otherwise read now.
 */
export function loadStream<
  E extends { type: string; data: unknown } = NewEvent,
  DB extends MessagingTables = MessagingTables,
>(trx: Executor<DB>, streamId: string): Promise<StreamEvents<E>> {
  return unitOfWorkOf(trx)?.stream<E>(streamId) ?? readStream<E, DB>(trx, streamId);
}

/** Several streams in one query; a stream with no events is absent from the map. */
export async function readStreams<DB extends MessagingTables>(
  db: Executor<DB>,
  streamIds: readonly string[],
): Promise<Map<string, StreamEvents>> {
  const rows = await messagingDb(db)
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', sql<string>`any(${streamIds}::text[])`)
    .orderBy('stream_id')
    .orderBy('version')
    .execute();
  return streamsOf(rows);
}

/** Event rows in stream and version order, as streams by id. */
export function streamsOf(rows: Iterable<EventRow>): Map<string, StreamEvents> {
  const streams = new Map<string, StreamEvents>();
  for (const row of rows) {
    const stream = streams.get(row.stream_id) ?? { events: [], version: 0 };
    stream.events.push(toRecorded(row));
    stream.version = row.version;
    streams.set(row.stream_id, stream);
  }
  return streams;
}

/** The events of one stream in version order, and its current version. */
export async function readStream<
  E extends { type: string; data: unknown } = NewEvent,
  DB extends MessagingTables = MessagingTables,
>(db: Executor<DB>, streamId: string): Promise<StreamEvents<E>> {
  const rows = await messagingDb(db)
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .orderBy('version')
    .execute();
  const events = rows.map((row) => toRecorded(row) as RecordedEvent<E>);
  return { events, version: events.at(-1)?.version ?? 0 };
}

async function streamVersion<DB extends MessagingTables>(
  trx: Executor<DB>,
  streamId: string,
): Promise<number> {
  const row = await messagingDb(trx)
    .selectFrom('events')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row?.version ?? 0;
}

/** A row of `events` as the event store reads it (its transaction id aside). */
export type EventRow = Omit<Selectable<EventsTable>, 'tx_id'>;

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    globalPosition: row.global_position,
    recordedAt: row.recorded_at,
  };
}
