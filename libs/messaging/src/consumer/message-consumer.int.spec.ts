import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import type { TestDatabase } from '@orderflow/testing';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { inspectDeadLetters, redriveDeadLetters } from '../dlq/dead-letters.js';
import { NonRetriableError } from '../errors.js';
import { Headers } from '../headers.js';
import { messagingDatabase, recordTopics } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import type { InboundMessage } from './inbound-message.js';
import type { MessageConsumerOptions } from './message-consumer.js';
import { MessageConsumer } from './message-consumer.js';

interface DB extends MessagingTables {
  effects: { message_id: string; body: string };
}

let database: TestDatabase<DB>;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  database = await messagingDatabase<DB>('consumer');
  await database.db.schema
    .createTable('effects')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  kafka = testKafka();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await database.drop();
});

const send = (topic: string, key: string, body: string, id: string = randomUUID()) =>
  producer
    .send({ topic, acks: -1, messages: [{ key, value: body, headers: { [Headers.id]: id } }] })
    .then(() => id);

const effects = async () =>
  (await database.db.selectFrom('effects').selectAll().execute()).map((e) => e.body).sort();

/** Writes an effect row per handled record; `seen` logs every handler call. */
function consumer(topics: string[], options: Partial<MessageConsumerOptions<undefined, DB>> = {}) {
  const seen: InboundMessage[] = [];
  const registry = new Registry();
  const instance = new MessageConsumer({
    kafka,
    db: database.db,
    groupId: uniqueName('group'),
    topics,
    fromBeginning: true,
    registry,
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    handler: async (trx, message) => {
      seen.push(message);
      await trx
        .insertInto('effects')
        .values({ message_id: message.id!, body: message.value!.toString() })
        .execute();
    },
    ...options,
  });
  const outcomes = async (): Promise<Record<string, number>> => {
    const metric = await registry.getSingleMetric('consumer_messages_total')!.get();
    return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
  };
  return { instance, seen, outcomes, registry };
}

beforeEach(() => database.db.deleteFrom('effects').execute());

describe('MessageConsumer', () => {
  it('applies a message delivered twice once, and after a restart resumes past committed offsets', async () => {
    const topic = uniqueName('consumer.dup');
    await createTopics(kafka, [topic], 1);
    const id = await send(topic, 'order-1', 'first');
    await send(topic, 'order-1', 'first', id); // the same event again (a relay re-send)

    const first = consumer([topic]);
    await first.instance.start();
    await eventually(async () =>
      expect(await first.outcomes()).toEqual({ handled: 1, duplicate: 1 }),
    );
    await first.instance.stop();
    expect(await effects()).toEqual(['first']);

    const second = consumer([topic], { groupId: first.instance['options'].groupId });
    await second.instance.start();
    await send(topic, 'order-1', 'second');
    try {
      await eventually(async () => expect(await effects()).toEqual(['first', 'second']));
    } finally {
      await second.instance.stop();
    }
    // Committed offsets: the restarted member saw only the new record.
    expect(second.seen.map((m) => m.value?.toString())).toEqual(['second']);
  });

  it('dead-letters poison and exhausted messages with the reason, keeps the partition moving, and redrives', async () => {
    const topic = uniqueName('consumer.dlq');
    const dlq = `${topic}.dlq`;
    await createTopics(kafka, [topic, dlq], 1);
    let flakyFailures = 0;
    let healed = false;
    const redriven: string[] = [];
    const c = consumer([topic], {
      handler: async (trx, message) => {
        const body = message.value!.toString();
        if (message.headers['dlq-redriven-at']) redriven.push(body);
        if (!healed && body === 'poison') throw new NonRetriableError('cannot decode');
        if (!healed && body === 'always-failing') throw new Error('database says no');
        if (body === 'flaky' && flakyFailures < 2) {
          flakyFailures += 1;
          throw new Error('transient');
        }
        await trx.insertInto('effects').values({ message_id: message.id!, body }).execute();
      },
    });
    const poisonId = await send(topic, 'order-9', 'poison');
    await send(topic, 'order-9', 'after-poison');
    await send(topic, 'order-9', 'flaky');
    await send(topic, 'order-9', 'always-failing');
    await send(topic, 'order-9', 'last');
    const dead = await recordTopics(kafka, [dlq]);
    await c.instance.start();
    try {
      await eventually(async () =>
        expect(await effects()).toEqual(['after-poison', 'flaky', 'last']),
      );
      await eventually(() => expect(dead.records).toHaveLength(2));
    } finally {
      await dead.stop();
    }
    expect(await c.outcomes()).toEqual({ handled: 3, dead_lettered: 2 });
    const [poison, exhausted] = dead.records;
    expect(poison).toMatchObject({ key: 'order-9', value: 'poison' });
    expect(poison!.headers).toMatchObject({
      ce_id: poisonId,
      'dlq-reason': 'cannot decode',
      'dlq-error-class': 'NonRetriableError',
      'dlq-original-topic': topic,
      'dlq-original-partition': '0',
      'dlq-original-offset': '0',
      'dlq-consumer-group': c.instance['options'].groupId,
      'dlq-attempts': '1',
    });
    expect(Date.parse(poison!.headers['dlq-failed-at']!)).not.toBeNaN();
    expect(exhausted!.headers).toMatchObject({
      'dlq-reason': 'database says no',
      'dlq-error-class': 'Error',
      'dlq-original-offset': '3',
      'dlq-attempts': '3',
    });

    const letters = await inspectDeadLetters(kafka, dlq);
    expect(letters.map((l) => [l.reason, l.originalOffset])).toEqual([
      ['cannot decode', '0'],
      ['database says no', '3'],
    ]);

    healed = true;
    try {
      expect(await redriveDeadLetters(kafka, dlq)).toBe(2);
      await eventually(async () =>
        expect(await effects()).toEqual([
          'after-poison',
          'always-failing',
          'flaky',
          'last',
          'poison',
        ]),
      );
      expect(await redriveDeadLetters(kafka, dlq)).toBe(0);
    } finally {
      await c.instance.stop();
    }
    expect(redriven).toEqual(['poison', 'always-failing']);
  });
});
