import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import type { TestDatabase } from '@orderflow/testing';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { NonRetriableError } from '../errors.js';
import { Headers } from '../headers.js';
import { messagingDatabase, recordTopics } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import type { MessageConsumerOptions } from './message-consumer.js';
import { MessageConsumer } from './message-consumer.js';

/**
 * Batches: one transaction per batch of a partition's records, per-key order kept with
 * partitions handled concurrently, a poison record isolated, a database outage waited
 * out rather than dead-lettered.
 */
interface DB extends MessagingTables {
  effects: { key: string; seq: number; tx: string; n: string };
}

let database: TestDatabase<DB>;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  database = await messagingDatabase<DB>('batches');
  await sql`create table effects (
    n bigint generated always as identity, key text not null, seq int not null,
    tx xid8 not null default pg_current_xact_id())`.execute(database.db);
  kafka = testKafka();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await database.drop();
});
beforeEach(() => database.db.deleteFrom('effects').execute());

const record = (key: string, seq: number | string, id = randomUUID()): Message => ({
  key,
  value: String(seq),
  headers: { [Headers.id]: id },
});

function consumer(topics: string[], options: Partial<MessageConsumerOptions<undefined, DB>> = {}) {
  const registry = new Registry();
  const instance = new MessageConsumer({
    kafka,
    db: database.db,
    groupId: uniqueName('group'),
    topics,
    fromBeginning: true,
    registry,
    retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    handler: async (trx, message) => {
      const seq = Number(message.value!.toString());
      await sql`insert into effects (key, seq) values (${message.key}, ${seq})`.execute(trx);
    },
    ...options,
  });
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;
  const outcomes = async () =>
    Object.fromEntries(
      (await metric('consumer_messages_total')).map((v) => [String(v.labels.outcome), v.value]),
    );
  return { instance, metric, outcomes };
}

const effectsInCommitOrder = async () =>
  (
    await sql<{ key: string; seq: number }>`select key, seq from effects order by tx, n`.execute(
      database.db,
    )
  ).rows;

describe('MessageConsumer batches', () => {
  it('handles each partition in batches, one transaction each, and keeps per-key order across concurrent partitions', async () => {
    const topic = uniqueName('batches.order');
    await createTopics(kafka, [topic], 3);
    const keys = Array.from({ length: 20 }, (_, i) => `order-${i}`);
    const perKey = 30;
    const messages = Array.from({ length: perKey }, (_, seq) => keys.map((k) => record(k, seq)));
    await producer.send({ topic, acks: -1, messages: messages.flat() });

    const c = consumer([topic], { partitionsConsumedConcurrently: 3, maxBatchSize: 50 });
    await c.instance.start();
    try {
      await eventually(async () => expect(await c.outcomes()).toEqual({ handled: 600 }), 60_000);
    } finally {
      await c.instance.stop();
    }
    const effects = await effectsInCommitOrder();
    expect(effects).toHaveLength(600);
    for (const key of keys) {
      const seqs = effects.filter((e) => e.key === key).map((e) => e.seq);
      expect({ key, seqs }).toEqual({ key, seqs: Array.from({ length: perKey }, (_, i) => i) });
    }
    const [sizes] = (await c.metric('consumer_batch_records')).filter(
      (v) => (v as { metricName?: string }).metricName === 'consumer_batch_records_count',
    );
    // 600 records in far fewer transactions: they were batched.
    expect(sizes!.value).toBeLessThan(100);
  });

  it('handles the batches of partitions and topics handed over together in one transaction', async () => {
    const topics = [uniqueName('batches.joined.a'), uniqueName('batches.joined.b')];
    await createTopics(kafka, topics, 3);
    // Written before the consumer starts: its first fetch brings every partition at once.
    for (const topic of topics) {
      const messages = Array.from({ length: 12 }, (_, i) => record(`${topic}/${i}`, 0));
      await producer.send({ topic, acks: -1, messages });
    }
    // All six partitions handed over at once.
    const c = consumer(topics, { partitionsConsumedConcurrently: 6, maxBatchSize: 50 });
    await c.instance.start();
    try {
      // Two topics: count the effects (the outcome metric has a series per topic).
      await eventually(async () => expect(await effectsInCommitOrder()).toHaveLength(24), 60_000);
    } finally {
      await c.instance.stop();
    }
    const { rows } = await sql<{ topics: number }>`
      select max(topics) as topics from (
        select count(distinct split_part(key, '/', 1)) as topics from effects group by tx) t
      `.execute(database.db);
    // Records of both topics committed in one transaction: the batches were joined.
    expect(Number(rows[0]!.topics)).toBe(2);
  });

  it('dead-letters a poison record in the middle of a batch alone, and commits the rest', async () => {
    const topic = uniqueName('batches.poison');
    const dlq = `${topic}.dlq`;
    await createTopics(kafka, [topic, dlq], 1);
    const bodies = Array.from({ length: 21 }, (_, i) => String(i));
    bodies[7] = 'undecodable';
    bodies[14] = 'poison';
    await producer.send({
      topic,
      acks: -1,
      messages: bodies.map((b) => ({
        key: 'order-1',
        value: b,
        headers: { [Headers.id]: randomUUID() },
      })),
    });
    const dead = await recordTopics(kafka, [dlq]);
    const c = consumer([topic], {
      decode: (message) => {
        if (message.value!.toString() === 'undecodable')
          throw new NonRetriableError('cannot decode');
        return undefined;
      },
      handler: async (trx, message) => {
        const body = message.value!.toString();
        if (body === 'poison') throw new NonRetriableError('rejected by the handler');
        await sql`insert into effects (key, seq) values (${message.key}, ${Number(body)})`.execute(
          trx,
        );
      },
    });
    await c.instance.start();
    try {
      await eventually(() => expect(dead.records).toHaveLength(2));
      await eventually(async () =>
        expect(await c.outcomes()).toEqual({ handled: 19, dead_lettered: 2 }),
      );
    } finally {
      await c.instance.stop();
      await dead.stop();
    }
    expect((await effectsInCommitOrder()).map((e) => e.seq)).toEqual(
      bodies.filter((b) => /^\d+$/.test(b)).map(Number),
    );
    expect(
      dead.records.map((r) => [r.value, r.headers['dlq-reason'], r.headers['dlq-original-offset']]),
    ).toEqual([
      ['undecodable', 'cannot decode', '7'],
      ['poison', 'rejected by the handler', '14'],
    ]);
  });

  it('applies an event id carried twice in one batch once', async () => {
    const topic = uniqueName('batches.dup');
    await createTopics(kafka, [topic], 1);
    const id = randomUUID();
    await producer.send({
      topic,
      acks: -1,
      messages: [record('order-2', 1, id), record('order-2', 1, id), record('order-2', 2)],
    });
    const c = consumer([topic]);
    await c.instance.start();
    try {
      await eventually(async () =>
        expect(await c.outcomes()).toEqual({ handled: 2, duplicate: 1 }),
      );
    } finally {
      await c.instance.stop();
    }
    expect((await effectsInCommitOrder()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('acknowledges records the service does not react to without a transaction or an inbox row', async () => {
    const topic = uniqueName('batches.ignored');
    await createTopics(kafka, [topic], 1);
    const kept = randomUUID();
    const skipped = randomUUID();
    await producer.send({
      topic,
      acks: -1,
      messages: [record('order-4', 1, kept), record('order-4', 'not-mine', skipped)],
    });
    const c = consumer([topic], { ignore: (message) => message.value?.toString() === 'not-mine' });
    await c.instance.start();
    try {
      await eventually(async () => expect(await c.outcomes()).toEqual({ handled: 1, ignored: 1 }));
    } finally {
      await c.instance.stop();
    }
    expect((await effectsInCommitOrder()).map((e) => e.seq)).toEqual([1]);
    const inbox = await database.db.selectFrom('inbox').select('message_id').execute();
    expect(inbox.map((r) => r.message_id)).toContain(kept);
    expect(inbox.map((r) => r.message_id)).not.toContain(skipped);
  });

  it('waits out an unavailable database for longer than the retry budget instead of dead-lettering', async () => {
    const topic = uniqueName('batches.outage');
    await createTopics(kafka, [topic], 1);
    await producer.send({ topic, acks: -1, messages: [record('order-3', 1)] });
    let failures = 0;
    const c = consumer([topic], {
      handler: async (trx, message) => {
        // What node-postgres raises while the server restarts.
        if (failures < 8) {
          failures += 1;
          throw Object.assign(new Error('terminating connection due to administrator command'), {
            code: '57P01',
          });
        }
        await sql`insert into effects (key, seq) values (${message.key}, 1)`.execute(trx);
      },
    });
    await c.instance.start();
    try {
      await eventually(async () => expect(await c.outcomes()).toEqual({ handled: 1 }), 30_000);
    } finally {
      await c.instance.stop();
    }
    expect(failures).toBe(8);
    expect((await effectsInCommitOrder()).map((e) => e.seq)).toEqual([1]);
  });
});
