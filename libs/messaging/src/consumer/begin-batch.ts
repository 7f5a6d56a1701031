import { sql } from 'kysely';
import type { EventRow } from '../event-store/event-store.js';
import { streamsOf } from '../event-store/event-store.js';
import type { StreamEvents } from '../event-store/event-store.js';
import { lockKeysWith } from '../lock-key.js';
import type { Executor, MessagingTables } from '../types.js';

export interface BatchStart {
  /** The message ids the inbox had not seen: the records to handle. */
  fresh: Set<string>;
  /** The streams read, after the keys were locked; a new stream is absent. */
  streams: Map<string, StreamEvents>;
}

/**
 * The first statement of a consumer's batch transaction: `keys` locked (as `lockKeys`
 * does), `messageIds` recorded in `consumer`'s inbox, and `streamIds` read, in one
 * round trip (`orderflow_begin_batch`, see the messaging migrations). An id given twice
 * is fresh at most once.
 */
export async function beginBatch<DB extends MessagingTables>(
  trx: Executor<DB>,
  consumer: string,
  keys: readonly string[],
  messageIds: readonly string[],
  streamIds: readonly string[],
): Promise<BatchStart> {
  const { rows } = await lockKeysWith(trx, keys, (wanted) =>
    sql<EventRow & { message_id: string | null }>`
      select * from orderflow_begin_batch(
        ${wanted}::text[], ${consumer}, ${messageIds}::text[], ${streamIds}::text[]
      )`.execute(trx),
  );
  const fresh = new Set<string>();
  const events: EventRow[] = [];
  for (const row of rows) {
    if (row.message_id !== null) fresh.add(row.message_id);
    else events.push(row);
  }
  return { fresh, streams: streamsOf(events) };
}
