import type { TestDatabase } from '@orderflow/testing';
import { sql } from 'kysely';
import { appendEvents } from '../event-store/event-store.js';
import { lockKeys } from '../lock-key.js';
import { messagingDatabase } from '../test-support/fixtures.js';
import type { Executor, MessagingTables } from '../types.js';
import { beginBatch } from './begin-batch.js';

describe('beginBatch', () => {
  let database: TestDatabase<MessagingTables>;
  beforeAll(async () => {
    database = await messagingDatabase('begin_batch');
  });
  afterAll(() => database?.drop());

  it('records ids in the inbox once and reads the streams, in one statement', async () => {
    const { db } = database;
    await db.transaction().execute(async (trx) => {
      await lockKeys(trx, ['order-a']);
      await appendEvents(trx, 'order-a', 'no_stream', [
        { type: 'OrderPlaced', data: { orderId: 'order-a' } },
        { type: 'OrderConfirmed', data: { orderId: 'order-a' } },
      ]);
    });

    const first = await db
      .transaction()
      .execute((trx) =>
        beginBatch(
          trx,
          'payments',
          ['order-a', 'order-b'],
          ['m-1', 'm-2', 'm-1'],
          ['order-a', 'order-b'],
        ),
      );
    expect(first.fresh).toEqual(new Set(['m-1', 'm-2']));
    expect([...first.streams.keys()]).toEqual(['order-a']);
    const stream = first.streams.get('order-a')!;
    expect(stream.version).toBe(2);
    expect(stream.events.map((e) => [e.type, e.version, e.data])).toEqual([
      ['OrderPlaced', 1, { orderId: 'order-a' }],
      ['OrderConfirmed', 2, { orderId: 'order-a' }],
    ]);
    expect(stream.events[0]!.globalPosition).toMatch(/^\d+$/);

    const again = await db
      .transaction()
      .execute((trx) => beginBatch(trx, 'payments', ['order-a'], ['m-1', 'm-3'], ['order-a']));
    expect(again.fresh).toEqual(new Set(['m-3']));
  });

  it('waits for the holder of a key and reads what it committed', async () => {
    const { db } = database;
    let commitHolder!: () => void;
    const holderMayCommit = new Promise<void>((resolve) => (commitHolder = resolve));
    let holderLocked!: () => void;
    const locked = new Promise<void>((resolve) => (holderLocked = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await lockKeys(trx, ['order-c']);
      await appendEvents(trx, 'order-c', 'no_stream', [
        { type: 'OrderPlaced', data: { orderId: 'order-c' } },
      ]);
      holderLocked();
      await holderMayCommit;
    });
    await locked;

    const waiter = db
      .transaction()
      .execute((trx) => beginBatch(trx, 'shipping', ['order-c'], ['m-10'], ['order-c']));
    // The waiter is blocked on the holder's advisory lock before the holder commits.
    for (;;) {
      const { rows } = await sql<{ waiting: number }>`
        select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'
          and wait_event = 'advisory'`.execute(db);
      if (rows[0]!.waiting > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    commitHolder();
    await holder;

    const { fresh, streams } = await waiter;
    expect(fresh).toEqual(new Set(['m-10']));
    expect(streams.get('order-c')?.events.map((e) => e.type)).toEqual(['OrderPlaced']);
  });

  it('reads the streams through the index once the store has outgrown its statistics, in a long-lived session', async () => {
    const store = await messagingDatabase('begin_batch_plans');
    try {
      const eventScans = (trx: Executor<MessagingTables>) =>
        sql<{ seq: number; idx: number }>`
          select seq_scan::int as seq, coalesce(idx_scan, 0)::int as idx
          from pg_stat_xact_user_tables where relname = 'events'`
          .execute(trx)
          .then(({ rows }) => rows[0] ?? { seq: 0, idx: 0 });
      // One session throughout, as a service's pooled connection: plpgsql keeps plans
      // per session.
      await store.db.connection().execute(async (session) => {
        // Autovacuum analyzes a new table once it holds some rows.
        await seedEvents(session, 1, 100);
        await sql`analyze events`.execute(session);
        for (let i = 0; i < 8; i++) {
          await session
            .transaction()
            .execute((trx) =>
              beginBatch(trx, 'payments', [`order-${i}`], [`m-${i}`], [`order-${i}`]),
            );
        }
        await seedEvents(session, 101, 20_000);
        // The counters include what this session did before and has not reported yet:
        // compare before and after, within the transaction.
        const scans = await session.transaction().execute(async (trx) => {
          const before = await eventScans(trx);
          const start = await beginBatch(
            trx,
            'payments',
            ['order-7', 'order-9'],
            ['m-last'],
            ['order-7', 'order-9'],
          );
          expect([...start.streams.keys()]).toEqual(['order-7', 'order-9']);
          const after = await eventScans(trx);
          return { seq: after.seq - before.seq, idx: after.idx - before.idx };
        });
        expect(scans.seq).toBe(0);
        expect(scans.idx).toBeGreaterThan(0);
      });
    } finally {
      await store.drop();
    }
  });
});

/** Streams `order-<from>` to `order-<to>`, one event each, as if each came from a transaction of its own. */
async function seedEvents(db: Executor<MessagingTables>, from: number, to: number) {
  await sql`
    insert into events (tx_id, stream_id, version, event_id, type, data)
    select n::text::xid8, 'order-' || n, 1, gen_random_uuid(), 'OrderPlaced', '{}'::jsonb
    from generate_series(${from}::int, ${to}::int) as n`.execute(db);
}
