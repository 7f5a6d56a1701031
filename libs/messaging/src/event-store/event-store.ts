import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { ExpectedVersion } from '../errors.js';
import { WrongExpectedVersionError } from '../errors.js';
import { assertKeysLocked } from '../lock-key.js';
import { captureTraceContext } from '../tracing.js';
import type { EventsTable, Executor } from '../types.js';
import { messagingDb } from '../types.js';

export interface NewEvent {
  type: string;
  /** JSON-serialisable: dates as ISO strings, money as integer minor units. */
  data: unknown;
  metadata?: Record<string, unknown>;
  /** Defaults to a random UUID. */
  eventId?: string;
}

export interface RecordedEvent<E extends { type: string; data: unknown } = NewEvent> {
  streamId: string;
  version: number;
  eventId: string;
  type: E['type'];
  data: E['data'];
  metadata: Record<string, unknown>;
  /** Position in the service's whole event log; a string because it is a Postgres bigint. */
  globalPosition: string;
  recordedAt: Date;
}

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
 */
export async function appendEvents(
  trx: Executor,
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<RecordedEvent[]> {
  await assertKeysLocked(trx, [streamId]);
  const actual = await streamVersion(trx, streamId);
  const expected = expectedVersion === 'no_stream' ? 0 : expectedVersion;
  if (expected !== 'any' && expected !== actual) {
    throw new WrongExpectedVersionError(streamId, expectedVersion, actual);
  }
  if (events.length === 0) return [];
  const trace = captureTraceContext();
  const rows = await messagingDb(trx)
    .insertInto('events')
    .values(
      events.map((event, i) => ({
        stream_id: streamId,
        version: actual + i + 1,
        event_id: event.eventId ?? randomUUID(),
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify({ ...trace, ...event.metadata }),
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toRecorded);
}

/** The events of one stream in version order, and its current version. */
export async function readStream<E extends { type: string; data: unknown } = NewEvent>(
  db: Executor,
  streamId: string,
): Promise<StreamEvents<E>> {
  const rows = await messagingDb(db)
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .orderBy('version')
    .execute();
  const events = rows.map((row) => toRecorded(row) as RecordedEvent<E>);
  return { events, version: events.at(-1)?.version ?? 0 };
}

async function streamVersion(trx: Executor, streamId: string): Promise<number> {
  const row = await messagingDb(trx)
    .selectFrom('events')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row?.version ?? 0;
}

export function toRecorded(row: Selectable<EventsTable>): RecordedEvent {
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
