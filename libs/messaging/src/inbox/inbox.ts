import { sql } from 'kysely';
import type { Executor, MessagingTables } from '../types.js';
import { messagingDb } from '../types.js';

/**
 * Records that `consumer` handled `messageId`, in the handler's transaction. Returns
 * false when it already had: the caller skips the handler, and because the record
 * commits or rolls back with the handler's effects, each message takes effect once
 * however often Kafka delivers it.
 */
export async function recordInInbox<DB extends MessagingTables>(
  trx: Executor<DB>,
  consumer: string,
  messageId: string,
): Promise<boolean> {
  // A consumer's batches record their ids in orderflow_begin_batch (consumer/begin-batch.ts).
  const { rows } = await sql`
    insert into inbox (consumer, message_id) values (${consumer}, ${messageId})
    on conflict (consumer, message_id) do nothing
    returning message_id`.execute(trx);
  return rows.length === 1;
}

/**
 * Deletes inbox entries older than the retention. Keep it well above the longest time a
 * message can be redelivered (consumer lag, DLQ redrive), or a late duplicate would
 * take effect again.
 */
export async function pruneInbox<DB extends MessagingTables>(
  db: Executor<DB>,
  retentionDays: number,
): Promise<number> {
  const result = await messagingDb(db)
    .deleteFrom('inbox')
    .where('received_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
