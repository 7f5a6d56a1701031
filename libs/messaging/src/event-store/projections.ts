import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Executor, Logger } from '../types.js';
import { defaultLogger, messagingDb } from '../types.js';
import type { RecordedEvent } from './event-store.js';
import { toRecorded } from './event-store.js';

/**
 * A read model built from events. Inline, `apply` runs in the command's transaction
 * (`handleCommand({ projections })`); async, a `ProjectionRunner` feeds it from the
 * global log. Either way `reset` + replay rebuilds it (`rebuildProjection`).
 */
export interface Projection {
  name: string;
  apply(trx: Executor, events: readonly RecordedEvent[]): Promise<void>;
  /** Empties the projection's tables before a rebuild. */
  reset(trx: Executor): Promise<void>;
}

/**
 * Applies the events after the projection's checkpoint, one transaction per batch that
 * also moves the checkpoint, until it has caught up. Reads only events below the oldest
 * running transaction, in `(tx_id, global_position)` order: a transaction that commits
 * late holds that bound at or below its own tx_id until it ends, so the checkpoint can
 * never move past its events. The checkpoint row is locked, so concurrent runners take turns.
 */
export async function catchUpProjection(
  db: Executor,
  projection: Projection,
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
      const rows = await store
        .selectFrom('events')
        .selectAll()
        .where(
          sql<boolean>`(tx_id, global_position) > (${checkpoint.tx_id}::xid8, ${checkpoint.position}::bigint)`,
        )
        .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())`)
        .orderBy('tx_id')
        .orderBy('global_position')
        .limit(batchSize)
        .execute();
      const last = rows.at(-1);
      if (!last) return 0;
      await projection.apply(trx, rows.map(toRecorded));
      await store
        .updateTable('projection_checkpoints')
        .set({ tx_id: last.tx_id, position: last.global_position, updated_at: sql`now()` })
        .where('name', '=', projection.name)
        .execute();
      return rows.length;
    });
    total += applied;
    if (applied < batchSize) return total;
  }
}

/** Empties the projection and replays the whole event log into it. */
export async function rebuildProjection(
  db: Executor,
  projection: Projection,
  batchSize = 500,
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
  return catchUpProjection(db, projection, batchSize);
}

export interface ProjectionRunnerOptions {
  db: Executor;
  projections: readonly Projection[];
  pollIntervalMs?: number;
  batchSize?: number;
  logger?: Logger;
}

/** Keeps async projections caught up by polling the event log. */
export class ProjectionRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly stopSignal = new AbortController();

  constructor(private readonly options: ProjectionRunnerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopSignal.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { db, projections, pollIntervalMs = 500, batchSize = 500 } = this.options;
    const logger = this.options.logger ?? defaultLogger;
    while (this.running) {
      for (const projection of projections) {
        try {
          await catchUpProjection(db, projection, batchSize);
        } catch (error) {
          logger.error('projection failed; retrying', { projection: projection.name, error });
        }
      }
      await sleep(pollIntervalMs, undefined, { signal: this.stopSignal.signal }).catch(
        () => undefined,
      );
    }
  }
}
