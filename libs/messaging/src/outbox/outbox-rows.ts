import { sql } from 'kysely';
import type { Executor, MessagingTables } from '../types.js';

export interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  trace_context: Record<string, string>;
  created_at: Date;
}

/**
 * Deletes the rows already published (`published`), and returns the oldest committed
 * rows after them, in `(tx_id, id)` order, leaving out the rows of a send still in
 * flight (`sending`): one statement per relay pass. A statement sees only rows whose
 * transaction committed before it began, and `lockKeys` makes `tx_id` order commit
 * order per key; so whatever this returns, a row of the same key that commits later
 * sorts after it. Published rows are deleted, never tracked by position, so a row that
 * commits late is not passed over (ADR 0002). The delete and the read share a
 * snapshot: the read leaves the deleted ids out itself.
 */
export async function takeCommitted<DB extends MessagingTables>(
  db: Executor<DB>,
  limit: number,
  published: readonly string[],
  sending: readonly string[] = [],
): Promise<OutboxRow[]> {
  const { rows } = await sql<OutboxRow>`
    with published as (delete from outbox where id = any(${published}::bigint[]))
    select id, topic, key, value, headers, trace_context, created_at
    from outbox
    where id <> all(${[...published, ...sending]}::bigint[])
    order by tx_id, id
    limit ${limit}`.execute(db);
  return rows;
}

export async function deleteRows<DB extends MessagingTables>(
  db: Executor<DB>,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await sql`delete from outbox where id = any(${ids}::bigint[])`.execute(db);
}
