import { sql } from 'kysely';
import type { Executor } from '../types.js';
import { messagingDb } from '../types.js';

/**
 * Records that `consumer` handled `messageId`, in the handler's transaction. Returns
 * false when it already had: the caller skips the handler, and because the record
 * commits or rolls back with the handler's effects, each message takes effect once
 * however often Kafka delivers it.
 */
export async function recordInInbox(
  trx: Executor,
  consumer: string,
  messageId: string,
): Promise<boolean> {
  const inserted = await messagingDb(trx)
    .insertInto('inbox')
    .values({ consumer, message_id: messageId })
    .onConflict((oc) => oc.columns(['consumer', 'message_id']).doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Deletes inbox entries older than the retention. Keep it well above the longest time a
 * message can be redelivered (consumer lag, DLQ redrive), or a late duplicate would
 * take effect again.
 */
export async function pruneInbox(db: Executor, retentionDays: number): Promise<number> {
  const result = await messagingDb(db)
    .deleteFrom('inbox')
    .where('received_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
