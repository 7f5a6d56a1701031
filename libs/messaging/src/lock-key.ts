import { sql } from 'kysely';
import { KeyLockError } from './errors.js';
import type { Executor } from './types.js';

const LOCKED_KEYS_SETTING = 'orderflow.locked_keys';

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
 * The keys are remembered in a transaction-local setting, so `enqueue` and
 * `appendEvents` can refuse to write a key that this transaction did not lock.
 */
export async function lockKeys(trx: Executor, keys: readonly string[]): Promise<void> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) throw new KeyLockError('lockKeys needs at least one key');
  const held = await heldKeys(trx);
  // Locking a key this transaction already holds is a no-op, so that a command run
  // inside a consumer's transaction (which locked the record's keys first) composes.
  const wanted = unique.filter((k) => !held.has(k));
  if (wanted.length === 0) return;
  const { rows } = await sql<{
    xid: string | null;
  }>`select pg_current_xact_id_if_assigned()::text as xid`.execute(trx);
  if (rows[0]?.xid != null) {
    throw new KeyLockError(
      `lockKeys(${wanted.join(', ')}) must run before the first write of the transaction ` +
        '(it already has an xid), otherwise per-key order on Kafka can differ from commit order',
    );
  }
  // Ordered by lock id, so that two transactions locking overlapping sets never deadlock.
  await sql`
    select pg_advisory_xact_lock(h)
    from (select distinct hashtextextended(k, 0) as h from unnest(${wanted}::text[]) as k) ids
    order by h`.execute(trx);
  await sql`
    select set_config(${LOCKED_KEYS_SETTING}, ${JSON.stringify([...held, ...wanted])}, true),
           pg_current_xact_id()`.execute(trx);
}

async function heldKeys(trx: Executor): Promise<Set<string>> {
  const { rows } = await sql<{
    held: string | null;
  }>`select current_setting(${LOCKED_KEYS_SETTING}, true) as held`.execute(trx);
  const raw = rows[0]?.held;
  return new Set<string>(raw ? (JSON.parse(raw) as string[]) : []);
}

/** `lockKeys` for a single key. */
export function lockKey(trx: Executor, key: string): Promise<void> {
  return lockKeys(trx, [key]);
}

/** Throws unless every key was locked by `lockKeys` in this transaction. */
export async function assertKeysLocked(trx: Executor, keys: Iterable<string>): Promise<void> {
  const wanted = [...new Set(keys)];
  if (wanted.length === 0) return;
  const held = await heldKeys(trx);
  const missing = wanted.filter((k) => !held.has(k));
  if (missing.length > 0) {
    throw new KeyLockError(
      `key(s) ${missing.join(', ')} written without lockKeys(trx, …) at the start of the transaction`,
    );
  }
}
