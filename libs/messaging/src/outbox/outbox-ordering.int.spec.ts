import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { TestDatabase } from '@orderflow/testing';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { lockKeys } from '../lock-key.js';
import { messagingDatabase, outboxMessage, recordTopics } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import { enqueue } from './enqueue.js';
import { OutboxRelay } from './relay.js';

interface DB extends MessagingTables {
  key_sequences: { key: string; seq: number };
  side_effects: { note: string };
}

const KEYS = Array.from({ length: 12 }, (_, i) => `order-${i}`);
const TRANSACTIONS = 1_500;
const WORKERS = 24;

let database: TestDatabase<DB>;
let writers: Kysely<DB>;

beforeAll(async () => {
  database = await messagingDatabase<DB>('ordering');
  await database.db.schema
    .createTable('key_sequences')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .execute();
  await database.db.schema.createTable('side_effects').addColumn('note', 'text').execute();
  writers = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: database.url, max: WORKERS }),
    }),
  });
});
afterAll(async () => {
  await writers.destroy();
  await database.drop();
});

/** Deterministic pseudo-randomness, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/**
 * One writer transaction: locks one or two keys, sometimes writes another table first
 * (taking its xid early), numbers its rows per key under the lock (the commit order per
 * key), and dawdles before enqueueing and before committing so that commits interleave
 * out of outbox id order.
 */
async function writeOne(topic: string, rnd: () => number): Promise<number> {
  const first = KEYS[Math.floor(rnd() * KEYS.length)]!;
  const second = KEYS[Math.floor(rnd() * KEYS.length)]!;
  const keys = rnd() < 0.2 ? [first, second] : [first];
  const writesSideFirst = rnd() < 0.4;
  const pauses = [rnd() * 4, rnd() * 4];
  let rows = 0;
  await writers.transaction().execute(async (trx) => {
    await lockKeys(trx, keys);
    if (writesSideFirst) await trx.insertInto('side_effects').values({ note: first }).execute();
    await sleep(pauses[0]);
    for (const key of new Set(keys)) {
      const n = 1 + Math.floor(rnd() * 3);
      const { seq } = await trx
        .insertInto('key_sequences')
        .values({ key, seq: n })
        .onConflict((oc) => oc.column('key').doUpdateSet({ seq: sql`key_sequences.seq + ${n}` }))
        .returning('seq')
        .executeTakeFirstOrThrow();
      await enqueue(
        trx,
        Array.from({ length: n }, (_, i) =>
          outboxMessage(topic, key, { key, seq: seq - n + i + 1 }),
        ),
      );
      rows += n;
    }
    await sleep(pauses[1]);
  });
  return rows;
}

describe('outbox relay under concurrent writers', () => {
  it('publishes every row once and keeps per-key commit order while commits interleave', async () => {
    const topic = uniqueName('relay.ordering');
    const kafka = testKafka();
    await createTopics(kafka, [topic]);
    const recorder = await recordTopics(kafka, [topic]);
    const relay = new OutboxRelay({
      db: database.db,
      connection: { connectionString: database.url },
      kafka,
      service: uniqueName('svc'),
      batchSize: 200,
      pollIntervalMs: 50,
    });
    relay.start();
    let written = 0;
    try {
      // The relay publishes while the writers are still writing.
      let next = 0;
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, w) => {
          const rnd = random(w + 1);
          while (next < TRANSACTIONS) {
            next += 1;
            const rows = await writeOne(topic, rnd);
            written += rows;
          }
        }),
      );
      expect(written).toBeGreaterThan(2_000);
      await eventually(() => expect(recorder.records).toHaveLength(written), 180_000, 250);
    } finally {
      await relay.stop();
      await recorder.stop();
    }

    const seen = new Map<string, number[]>();
    for (const record of recorder.records) {
      const { key, seq } = JSON.parse(record.value!) as { key: string; seq: number };
      expect(record.key).toBe(key);
      seen.set(key, [...(seen.get(key) ?? []), seq]);
    }
    const expected = await database.db.selectFrom('key_sequences').selectAll().execute();
    expect(expected.length).toBeGreaterThan(0);
    for (const { key, seq } of expected) {
      // Topic order per key = commit order per key: 1, 2, 3, … with no gap or repeat.
      expect(seen.get(key)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    }
    const remaining = await database.db.selectFrom('outbox').select('id').execute();
    expect(remaining).toEqual([]);
    // Bounds that only stop a hung run: the writers alone take a minute on a busy machine.
  }, 300_000);
});
