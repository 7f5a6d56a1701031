import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { TestDatabase } from '@orderflow/testing';
import { eventually } from '@orderflow/testing';
import { KeyLockError, WrongExpectedVersionError } from '../errors.js';
import { lockKey, lockKeys } from '../lock-key.js';
import { messagingDatabase, outboxMessage } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import type { Decider } from './decider.js';
import { appendEvents, readStream } from './event-store.js';
import { handleCommand } from './handle-command.js';
import type { Projection } from './projections.js';
import { catchUpProjection, rebuildProjection } from './projections.js';

interface DB extends MessagingTables {
  totals: { stream_id: string; total: number };
  async_totals: { stream_id: string; total: number };
}

type Command = { type: 'Add'; amount: number };
type Event = { type: 'Added'; data: { amount: number; before: number } };

class TooMuch extends Error {}

const accumulator: Decider<Command, Event, number> = {
  initialState: 0,
  decide: (command, total) => {
    if (total + command.amount > 100) throw new TooMuch('limit is 100');
    return [{ type: 'Added', data: { amount: command.amount, before: total } }];
  },
  evolve: (total, event) => total + event.data.amount,
};

const totalsProjection = (table: 'totals' | 'async_totals'): Projection<DB, Event> => ({
  name: table,
  async apply(trx, events) {
    for (const e of events) {
      if (e.type !== 'Added') continue;
      await trx
        .insertInto(table)
        .values({ stream_id: e.streamId, total: e.data.amount })
        .onConflict((oc) =>
          oc
            .column('stream_id')
            .doUpdateSet({ total: sql`${sql.table(table)}.total + excluded.total` }),
        )
        .execute();
    }
  },
  async reset(trx) {
    await trx.deleteFrom(table).execute();
  },
});
const totals = totalsProjection('totals');

let database: TestDatabase<DB>;
let db: Kysely<DB>;

beforeAll(async () => {
  database = await messagingDatabase<DB>('event_store');
  db = database.db;
  for (const table of ['totals', 'async_totals']) {
    await db.schema
      .createTable(table)
      .addColumn('stream_id', 'text', (c) => c.primaryKey())
      .addColumn('total', 'integer', (c) => c.notNull())
      .execute();
  }
});
afterAll(() => database.drop());

const totalsRows = (table: 'totals' | 'async_totals' = 'totals') =>
  db.selectFrom(table).selectAll().orderBy('stream_id').execute();

describe('event store', () => {
  it('appends with versions and reads a stream back in order', async () => {
    await db.transaction().execute(async (trx) => {
      await lockKey(trx, 's-1');
      await appendEvents(trx, 's-1', 'no_stream', [
        { type: 'A', data: { n: 1 } },
        { type: 'B', data: { n: 2 }, metadata: { 'correlation-id': 'c-1' } },
      ]);
    });
    const stream = await readStream(db, 's-1');
    expect(stream.version).toBe(2);
    expect(stream.events.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'A', { n: 1 }],
      [2, 'B', { n: 2 }],
    ]);
    expect(stream.events[1]?.metadata).toEqual({ 'correlation-id': 'c-1' });
    expect(BigInt(stream.events[1]!.globalPosition)).toBeGreaterThan(
      BigInt(stream.events[0]!.globalPosition),
    );
    expect(await readStream(db, 'nothing-here')).toEqual({ events: [], version: 0 });
  });

  it('rejects an append at the wrong expected version with a typed error', async () => {
    const attempt = db.transaction().execute(async (trx) => {
      await lockKey(trx, 's-1');
      await appendEvents(trx, 's-1', 1, [{ type: 'C', data: {} }]);
    });
    await expect(attempt).rejects.toThrow(WrongExpectedVersionError);
    await expect(attempt).rejects.toMatchObject({ streamId: 's-1', expected: 1, actual: 2 });
    expect((await readStream(db, 's-1')).version).toBe(2);
  });

  it('lets a transaction lock a key it already holds again, but no new key after a write', async () => {
    await db.transaction().execute(async (trx) => {
      await lockKeys(trx, ['s-3', 'order-3']);
      await appendEvents(trx, 's-3', 'any', [{ type: 'A', data: 1 }]);
      await lockKeys(trx, ['s-3']); // a command run inside a consumer's transaction
      await appendEvents(trx, 's-3', 1, [{ type: 'B', data: 2 }]);
    });
    expect((await readStream(db, 's-3')).version).toBe(2);
    await expect(
      db.transaction().execute(async (trx) => {
        await lockKeys(trx, ['s-4']);
        await appendEvents(trx, 's-4', 'any', [{ type: 'A', data: 1 }]);
        await lockKeys(trx, ['s-4', 's-5']);
      }),
    ).rejects.toThrow(/lockKeys\(s-5\) must run before the first write/);
    expect((await readStream(db, 's-4')).version).toBe(0);
  });

  it('refuses to append to a stream the transaction did not lock first', async () => {
    await expect(
      db.transaction().execute((trx) => appendEvents(trx, 's-2', 'any', [{ type: 'A', data: 1 }])),
    ).rejects.toThrow(KeyLockError);
    // Locking after a write is too late: the transaction already has its xid.
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('totals').values({ stream_id: 'x', total: 0 }).execute();
        await lockKey(trx, 's-2');
      }),
    ).rejects.toThrow(/before the first write/);
  });
});

describe('handleCommand', () => {
  it('decides on the latest state under concurrency: every command applies, in version order', async () => {
    await Promise.all(
      Array.from({ length: 12 }, () =>
        db.transaction().execute((trx) =>
          handleCommand(trx, {
            decider: accumulator,
            streamId: 'acc-1',
            command: { type: 'Add', amount: 5 },
            projections: [totals],
          }),
        ),
      ),
    );
    const stream = await readStream<Event, DB>(db, 'acc-1');
    expect(stream.events.map((e) => e.version)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    // Each decision saw the total left by the previous one: no lost update.
    expect(stream.events.map((e) => e.data.before)).toEqual(
      Array.from({ length: 12 }, (_, i) => i * 5),
    );
    expect(await totalsRows()).toContainEqual({ stream_id: 'acc-1', total: 60 });
  });

  it('writes events, outbox rows and inline projections in one transaction, or none on a domain error', async () => {
    const run = (amount: number) =>
      db.transaction().execute((trx) =>
        handleCommand(trx, {
          decider: accumulator,
          streamId: 'acc-2',
          command: { type: 'Add', amount },
          keys: ['order-2'],
          projections: [totals],
          toMessages: (events) =>
            events.map((e) => outboxMessage('t', 'order-2', e.data, e.eventId)),
        }),
      );
    const result = await run(70);
    expect(result).toMatchObject({ version: 1, state: 70 });
    await expect(run(40)).rejects.toThrow(TooMuch);

    expect((await readStream(db, 'acc-2')).version).toBe(1);
    const outbox = await db.selectFrom('outbox').select(['key', 'headers']).execute();
    expect(outbox).toMatchObject([
      { key: 'order-2', headers: { ce_id: result.events[0]!.eventId } },
    ]);
    expect(await totalsRows()).toContainEqual({ stream_id: 'acc-2', total: 70 });
    await db.deleteFrom('outbox').execute();
  });

  it('rejects outbox messages for a key it was not told to lock', async () => {
    await expect(
      db.transaction().execute((trx) =>
        handleCommand(trx, {
          decider: accumulator,
          streamId: 'acc-3',
          command: { type: 'Add', amount: 1 },
          toMessages: () => [outboxMessage('t', 'order-3', {})],
        }),
      ),
    ).rejects.toThrow(KeyLockError);
    expect((await readStream(db, 'acc-3')).version).toBe(0);
  });
});

describe('async projections', () => {
  it('never skip an event whose transaction commits after later ones, and rebuild to the same state', async () => {
    const projection = totalsProjection('async_totals');
    await catchUpProjection(db, projection);

    // A takes its xid first but commits last; B commits in between.
    let releaseA!: () => void;
    let aWritten!: () => void;
    const written = new Promise<void>((resolve) => (aWritten = resolve));
    const aCommitted = db.transaction().execute(async (trx) => {
      await handleCommand(trx, {
        decider: accumulator,
        streamId: 'late',
        command: { type: 'Add', amount: 1 },
      });
      aWritten();
      await new Promise<void>((resolve) => (releaseA = resolve));
    });
    await written;
    await db.transaction().execute((trx) =>
      handleCommand(trx, {
        decider: accumulator,
        streamId: 'early',
        command: { type: 'Add', amount: 2 },
      }),
    );
    await catchUpProjection(db, projection); // B is visible, but A is still running
    const rowsWhileOpen = (await totalsRows('async_totals')).filter((r) =>
      ['late', 'early'].includes(r.stream_id),
    );
    releaseA();
    await aCommitted;
    expect(rowsWhileOpen).toEqual([]);
    // The bound is the oldest transaction running anywhere on the server, so a test of
    // another project running beside this one can hold it back for a moment.
    await eventually(async () => {
      await catchUpProjection(db, projection);
      const after = (await totalsRows('async_totals')).filter((r) =>
        ['late', 'early'].includes(r.stream_id),
      );
      expect(after).toEqual([
        { stream_id: 'early', total: 2 },
        { stream_id: 'late', total: 1 },
      ]);
    });

    const everything = await totalsRows('async_totals');
    expect(await rebuildProjection(db, projection)).toBeGreaterThan(0);
    expect(await totalsRows('async_totals')).toEqual(everything);
  });

  it('rebuild applies every event committed before it began, even while another transaction holds the bound back', async () => {
    const projection = totalsProjection('async_totals');
    // A transaction that has only taken an xid, as any other service's may have, runs
    // while an event commits after it began: events are read below it, so the new one
    // is out of reach until it ends.
    let releaseOther!: () => void;
    let otherXid!: (xid: string) => void;
    const xid = new Promise<string>((resolve) => (otherXid = resolve));
    const other = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(
        trx,
      );
      otherXid(rows[0]!.xid);
      await new Promise<void>((resolve) => (releaseOther = resolve));
    });
    const bound = await xid;
    await db.transaction().execute((trx) =>
      handleCommand(trx, {
        decider: accumulator,
        streamId: 'behind-the-bound',
        command: { type: 'Add', amount: 5 },
      }),
    );
    const { rows } = await sql<{ position: string }>`
      select max(global_position)::text as position from events where tx_id < ${bound}::xid8`.execute(
      db,
    );
    let finished = false;
    const rebuilt = rebuildProjection(db, projection).finally(() => (finished = true));
    // Until the rebuild has applied all it can reach (or, wrongly, has returned).
    await eventually(async () => {
      const checkpoint = await db
        .selectFrom('projection_checkpoints')
        .select('position')
        .where('name', '=', projection.name)
        .executeTakeFirstOrThrow();
      expect(finished || checkpoint.position === rows[0]!.position).toBe(true);
    });
    releaseOther();
    await other;
    await rebuilt;
    const row = (await totalsRows('async_totals')).find((r) => r.stream_id === 'behind-the-bound');
    expect(row).toEqual({ stream_id: 'behind-the-bound', total: 5 });
  });
});
