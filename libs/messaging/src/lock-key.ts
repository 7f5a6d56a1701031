import { sql } from 'kysely';
import { KeyLockError } from './errors.js';
import type { Executor, MessagingTables } from './types.js';

/**
 * Serialises the transactions that write events or outbox rows for the same keys
 * (order ids, stream ids), and makes their transaction ids (xid) rise in commit order
 * per key. Call it first in the transaction, before any write.
 *
 * Why: the relay and async projections read rows in `(tx_id, id)` order, and xid
 * order is not commit order. If T2 took its xid early (by writing something else)
 * and wrote key K only after T1 (a later xid) had committed K, `(tx_id, id)` order
 * would put T2's K row before T1's. Postgres assigns the xid of an UPDATE or
 * `SELECT … FOR UPDATE` *before* it waits for the row, so even a row lock taken as
 * the first statement leaves a window where the waiter's xid precedes the holder's.
 * An advisory lock assigns no xid: we take it while the transaction has none, and
 * only then force the xid, so a later holder of the key always has a later xid.
 *
 * One round trip: `orderflow_lock_keys` (see migrations) refuses a transaction that
 * already has an xid, takes the locks in hash order (two transactions locking
 * overlapping sets never deadlock) and assigns the xid. The keys this transaction
 * holds are remembered beside it in memory, so `enqueue` and `appendEvents` can
 * refuse, without a query, to write a key that it did not lock.
 */
export async function lockKeys<DB extends MessagingTables>(
  trx: Executor<DB>,
  keys: readonly string[],
): Promise<void> {
  await lockKeysWith(trx, keys, async (wanted) => {
    if (wanted.length > 0) await sql`select orderflow_lock_keys(${wanted}::text[])`.execute(trx);
  });
}

/**
 * `lockKeys` inside a statement of the caller's: `lock` runs a statement that calls
 * `orderflow_lock_keys(wanted)` first (with `wanted` empty when every key is already
 * held), and the keys count as held once it returns.
 */
export async function lockKeysWith<DB extends MessagingTables, R>(
  trx: Executor<DB>,
  keys: readonly string[],
  lock: (wanted: string[]) => Promise<R>,
): Promise<R> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) throw new KeyLockError('lockKeys needs at least one key');
  const held = heldKeys.get(trx);
  const wanted = held ? unique.filter((k) => !held.has(k)) : unique;
  let result: R;
  try {
    result = await lock(wanted);
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_AFTER_WRITE) {
      throw new KeyLockError(
        `lockKeys(${wanted.join(', ')}) must run before the first write of the transaction ` +
          '(it already has an xid), otherwise per-key order on Kafka can differ from commit order',
      );
    }
    throw error;
  }
  heldKeys.set(trx, new Set([...(held ?? []), ...wanted]));
  return result;
}

/** The SQLSTATE `orderflow_lock_keys` raises when the transaction already wrote. */
export const LOCK_AFTER_WRITE = 'OF001';

/**
 * Keys locked per transaction object. A Kysely transaction is one object for its whole
 * life and is dropped after commit or rollback, so the entry goes with it.
 */
const heldKeys = new WeakMap<object, Set<string>>();

/** `lockKeys` for a single key. */
export function lockKey<DB extends MessagingTables>(trx: Executor<DB>, key: string): Promise<void> {
  return lockKeys(trx, [key]);
}

/** Throws unless every key was locked by `lockKeys` in this transaction. */
export function assertKeysLocked<DB extends MessagingTables>(
  trx: Executor<DB>,
  keys: Iterable<string>,
): void {
  const held = heldKeys.get(trx);
  const missing = [...new Set(keys)].filter((k) => !held?.has(k));
  if (missing.length > 0) {
    throw new KeyLockError(
      `key(s) ${missing.join(', ')} written without lockKeys(trx, …) at the start of the transaction`,
    );
  }
}
