import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Executor, MessagingTables } from '../types.js';
import { messagingDb } from '../types.js';
import type { DomainEvent } from './decider.js';
import type { NewEvent, RecordedEvent } from './event-store.js';
import { toRecorded } from './event-store.js';

/**
 * A read model built from events. Inline, `apply` runs in the command's transaction
 * (`handleCommand({ projections })`); `catchUpProjection` feeds it from the global log.
 * Either way `reset` + replay rebuilds it (`rebuildProjection`).
 */
export interface Projection<
  DB extends MessagingTables = MessagingTables,
  E extends DomainEvent = NewEvent,
> {
  name: string;
  apply(trx: Executor<DB>, events: readonly RecordedEvent<E>[]): Promise<void>;
  /** Empties the projection's tables before a rebuild. */
  reset(trx: Executor<DB>): Promise<void>;
}

/**
 * Applies the events after the projection's checkpoint, one transaction per batch that
 * also moves the checkpoint, until it has caught up. Reads only events below the oldest
 * running transaction, in `(tx_id, global_position)` order: a transaction that commits
 * late holds that bound at or below its own tx_id until it ends, so the checkpoint can
 * never move past its events. The checkpoint row is locked, so concurrent runners take turns.
 */
export async function catchUpProjection<DB extends MessagingTables>(
  db: Executor<DB>,
  projection: Projection<DB>,
  batchSize = 500,
): Promise<number> {
  let total = 0;
  for (;;) {
    const applied = await db.transaction().execute(async (trx) => {
      const store = messagingDb(trx);
      await store
        .insertInto('projection_checkpoints')
        .values({ name: projection.name })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const checkpoint = await store
        .selectFrom('projection_checkpoints')
        .select(['tx_id', 'position'])
        .where('name', '=', projection.name)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const rows = await eventsAfter(trx, checkpoint, batchSize);
      const last = rows.at(-1);
      if (!last) return 0;
      await projection.apply(trx, rows.map(toRecorded));
      await moveCheckpoint(trx, projection.name, last);
      return rows.length;
    });
    total += applied;
    if (applied < batchSize) return total;
  }
}

/**
 * Empties the projection and replays the whole event log into it. Only while nothing
 * else writes the projection (no handler runs): between the reset and the end of the
 * replay it is incomplete. Each batch is applied in a transaction of its own while the
 * next one is read on another connection. Events are read below the oldest running
 * transaction (see `eventsAfter`); it returns once it has applied every event committed
 * when it began, waiting for transactions elsewhere in the cluster to end if they hold
 * that bound back.
 */
export async function rebuildProjection<DB extends MessagingTables>(
  db: Executor<DB>,
  projection: Projection<DB>,
  batchSize = 2_000,
): Promise<number> {
  await db.transaction().execute(async (trx) => {
    await projection.reset(trx);
    await messagingDb(trx)
      .insertInto('projection_checkpoints')
      .values({ name: projection.name, tx_id: '0', position: '0' })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ tx_id: '0', position: '0', updated_at: sql`now()` }),
      )
      .execute();
  });
  const { target } = await messagingDb(db)
    .selectFrom('events')
    .select(sql<string | null>`max(tx_id)::text`.as('target'))
    .executeTakeFirstOrThrow();
  let total = 0;
  let cursor: Position = { tx_id: '0', position: '0' };
  let next = eventsAfter(db, cursor, batchSize);
  for (;;) {
    const rows = await next;
    const last = rows.at(-1);
    if (!last) {
      if (target === null || (await belowOldestRunning(db, target))) return total;
      await sleep(20);
      next = eventsAfter(db, cursor, batchSize);
      continue;
    }
    cursor = last;
    next = eventsAfter(db, last, batchSize);
    // Handled if the apply below fails first; awaited on the next turn otherwise.
    next.catch(() => undefined);
    await db.transaction().execute(async (trx) => {
      await projection.apply(trx, rows.map(toRecorded));
      await moveCheckpoint(trx, projection.name, last);
    });
    total += rows.length;
  }
}

type Position = { tx_id: string; position?: string; global_position?: string };

/**
 * Up to `limit` events after a position, in `(tx_id, global_position)` order, below
 * the oldest running transaction (see `catchUpProjection`).
 */
function eventsAfter<DB extends MessagingTables>(db: Executor<DB>, after: Position, limit: number) {
  const position = after.global_position ?? after.position ?? '0';
  return messagingDb(db)
    .selectFrom('events')
    .selectAll()
    .where(sql<boolean>`(tx_id, global_position) > (${after.tx_id}::xid8, ${position}::bigint)`)
    .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('tx_id')
    .orderBy('global_position')
    .limit(limit)
    .execute();
}

/** True once no running transaction can still commit an event at or before `txId`. */
async function belowOldestRunning<DB extends MessagingTables>(
  db: Executor<DB>,
  txId: string,
): Promise<boolean> {
  const { below } = await messagingDb(db)
    .selectNoFrom(sql<boolean>`${txId}::xid8 < pg_snapshot_xmin(pg_current_snapshot())`.as('below'))
    .executeTakeFirstOrThrow();
  return below;
}

async function moveCheckpoint<DB extends MessagingTables>(
  trx: Executor<DB>,
  name: string,
  last: { tx_id: string; global_position: string },
): Promise<void> {
  await messagingDb(trx)
    .updateTable('projection_checkpoints')
    .set({ tx_id: last.tx_id, position: last.global_position, updated_at: sql`now()` })
    .where('name', '=', name)
    .execute();
}
