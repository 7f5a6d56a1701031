import { randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import { sql } from 'kysely';
import { WrongExpectedVersionError } from '../errors.js';
import { assertKeysLocked } from '../lock-key.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import { OUTBOX_CHANNEL, insertOutboxRows, writeOutbox } from '../outbox/enqueue.js';
import { captureTraceContext } from '../tracing.js';
import type { Executor, MessagingTables } from '../types.js';
import type { NewEvent, RecordedEvent, StreamEvents } from './event-store.js';
import { readStreams } from './event-store.js';
import type { Projection } from './projections.js';
import { attachUnitOfWork, unitOfWorkOf } from './current-unit.js';

/** Writes of one kind collected in a unit of work and made in one go at flush. */
export type BulkWrite<T, DB extends MessagingTables = MessagingTables> = (
  trx: Executor<DB>,
  items: readonly T[],
) => Promise<void>;

/**
 * The event-store work of one transaction that handles a batch of records, done in a
 * few statements whatever the batch's size: the batch's streams are read together,
 * and the new events, what inline projections make of them, the outbox rows and any
 * other deferred writes are written together by `flush`, before the transaction
 * commits. Decisions are made on the streams as this unit sees them (what was read,
 * plus what it appended), so the records of a batch build on each other exactly as
 * they would one transaction at a time.
 *
 * `handleCommand`, `appendEvents`, `loadStream` and `enqueue` use the unit of the
 * transaction they are given, if it has one (see `withUnitOfWork`), and write at once
 * otherwise.
 */
export class UnitOfWork<DB extends MessagingTables = MessagingTables> {
  /** The time the unit's events are recorded at. */
  readonly now = new Date();
  private readonly streams = new Map<string, StreamEvents>();
  private readonly appended: { event: RecordedEvent; data: string; metadata: string }[] = [];
  private readonly projected = new Map<Projection<DB>, RecordedEvent[]>();
  private readonly outbox: OutboxMessage[] = [];
  private readonly deferred = new Map<string, { items: unknown[]; write: BulkWrite<never, DB> }>();

  constructor(private readonly trx: Executor<DB>) {}

  /** Reads the streams not yet known, in one query. */
  async prefetch(streamIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(streamIds)].filter((id) => !this.streams.has(id));
    if (missing.length === 0) return;
    this.know(missing, await readStreams(this.trx, missing));
  }

  /** Streams read elsewhere in this transaction (an id `read` lacks is a new stream). */
  know(streamIds: Iterable<string>, read: ReadonlyMap<string, StreamEvents>): void {
    for (const id of streamIds) {
      if (!this.streams.has(id)) this.streams.set(id, read.get(id) ?? { events: [], version: 0 });
    }
  }

  /** The stream as this unit sees it: as read, plus what the unit appended. */
  async stream<E extends { type: string; data: unknown }>(id: string): Promise<StreamEvents<E>> {
    await this.prefetch([id]);
    return this.streams.get(id) as unknown as StreamEvents<E>;
  }

  /** Appends events after `expectedVersion` (checked against the stream as seen here). */
  async append(
    streamId: string,
    expectedVersion: number | 'any',
    events: readonly NewEvent[],
  ): Promise<RecordedEvent[]> {
    assertKeysLocked(this.trx, [streamId]);
    // A stream expected not to exist yet (one named by a fresh id) is not read: if it
    // did exist, the insert at flush would break its unique (stream, version) key.
    if (expectedVersion === 0 && !this.streams.has(streamId)) {
      this.streams.set(streamId, { events: [], version: 0 });
    }
    const stream = await this.stream(streamId);
    if (expectedVersion !== 'any' && expectedVersion !== stream.version) {
      throw new WrongExpectedVersionError(streamId, expectedVersion, stream.version);
    }
    const trace = captureTraceContext();
    const recorded = events.map((event, i) => {
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify({ ...trace, ...event.metadata });
      const record: RecordedEvent = {
        streamId,
        version: stream.version + i + 1,
        eventId: event.eventId ?? randomUUID(),
        type: event.type,
        // As a load would return them: what JSON keeps.
        data: JSON.parse(data) as unknown,
        metadata: JSON.parse(metadata) as Record<string, unknown>,
        // Known once flushed; a string, as Postgres' bigint is.
        globalPosition: '',
        recordedAt: this.now,
      };
      this.appended.push({ event: record, data, metadata });
      return record;
    });
    this.streams.set(streamId, {
      events: [...stream.events, ...recorded],
      version: stream.version + recorded.length,
    });
    return recorded;
  }

  /** Events for an inline projection, applied at flush in the order given. */
  project(projection: Projection<DB>, events: readonly RecordedEvent[]): void {
    const list = this.projected.get(projection) ?? [];
    list.push(...events);
    this.projected.set(projection, list);
  }

  /** Outbox rows, each continuing the trace active now unless it names its own. */
  enqueue(messages: readonly OutboxMessage[], trace: Context = context.active()): void {
    for (const m of messages) this.outbox.push({ ...m, context: m.context ?? trace });
  }

  /** Any other write, collected by `key` and made by `write` in one call at flush. */
  defer<T>(key: string, item: T, write: BulkWrite<T, DB>): void {
    const entry = this.deferred.get(key) ?? { items: [], write };
    entry.items.push(item);
    this.deferred.set(key, entry);
  }

  /**
   * Writes everything collected, in the transaction; called once, before commit. The
   * events and the outbox rows go in one statement; the projections follow (they see
   * the events' global positions).
   */
  async flush(): Promise<void> {
    const written = this.outbox.length;
    await this.writeEventsAndOutbox();
    for (const [projection, events] of this.projected) await projection.apply(this.trx, events);
    for (const { items, write } of this.deferred.values()) await write(this.trx, items as never[]);
    // Rows a projection or a deferred write enqueued while the unit flushed.
    await writeOutbox(this.trx, this.outbox.slice(written));
  }

  private async writeEventsAndOutbox(): Promise<void> {
    if (this.appended.length === 0) return writeOutbox(this.trx, this.outbox);
    const events = this.insertEvents();
    const { rows: stored } =
      this.outbox.length === 0
        ? await events.execute(this.trx)
        : await sql<{ event_id: string; global_position: string }>`
            with outboxed as (${insertOutboxRows(this.outbox)}), written as (${events})
            select w.event_id, w.global_position
            from written w, (select pg_notify(${OUTBOX_CHANNEL}, '')) as notified`.execute(
            this.trx,
          );
    const positions = new Map(stored.map((s) => [s.event_id, s.global_position]));
    for (const { event } of this.appended)
      event.globalPosition = positions.get(event.eventId) ?? '';
  }

  private insertEvents() {
    const rows = this.appended;
    return sql<{ event_id: string; global_position: string }>`
      insert into events (stream_id, version, event_id, type, data, metadata, recorded_at)
      select e.stream_id, e.version, e.event_id, e.type, e.data, e.metadata, ${this.now}
      from unnest(
        ${rows.map((r) => r.event.streamId)}::text[],
        ${rows.map((r) => r.event.version)}::integer[],
        ${rows.map((r) => r.event.eventId)}::uuid[],
        ${rows.map((r) => r.event.type)}::text[],
        ${rows.map((r) => r.data)}::jsonb[],
        ${rows.map((r) => r.metadata)}::jsonb[]
      ) with ordinality as e(stream_id, version, event_id, type, data, metadata, ord)
      order by e.ord
      returning event_id, global_position`;
  }
}

/**
 * Runs `work` with a unit of work on `trx` and flushes it at the end: the writes of
 * everything `work` does through the event store go out in a few statements.
 */
export async function withUnitOfWork<DB extends MessagingTables, T>(
  trx: Executor<DB>,
  work: (unit: UnitOfWork<DB>) => Promise<T>,
): Promise<T> {
  const unit = new UnitOfWork(trx);
  const detach = attachUnitOfWork(trx, unit);
  try {
    const result = await work(unit);
    await unit.flush();
    return result;
  } finally {
    detach();
  }
}

/**
 * A write that batches: in a unit of work, collected with the others of its `key` and
 * made by one call of `write` at flush; otherwise made now.
 */
export async function deferWrite<DB extends MessagingTables, T>(
  trx: Executor<DB>,
  key: string,
  item: T,
  write: BulkWrite<T, DB>,
): Promise<void> {
  const unit = unitOfWorkOf(trx);
  if (unit) unit.defer(key, item, write);
  else await write(trx, [item]);
}
