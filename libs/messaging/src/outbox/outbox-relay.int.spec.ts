import { randomBytes } from 'node:crypto';
import type { Context, Span, SpanContext, SpanOptions, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Kafka } from 'kafkajs';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import type { TestDatabase } from '@orderflow/testing';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { MessageConsumer } from '../consumer/message-consumer.js';
import { lockKey } from '../lock-key.js';
import type { RelayProcess } from '../test-support/fixtures.js';
import {
  idCounts,
  messagingDatabase,
  outboxMessage,
  recordTopics,
  spawnRelay,
} from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import { enqueue } from './enqueue.js';
import { OutboxRelay } from './relay.js';

interface DB extends MessagingTables {
  effects: { message_id: string };
}

let database: TestDatabase<DB>;
let kafka: Kafka;
const children: RelayProcess[] = [];

beforeAll(async () => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  database = await messagingDatabase<DB>('relay');
  await database.db.schema
    .createTable('effects')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .execute();
  kafka = testKafka();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill();
    await child.exited;
  }
  await database.db.deleteFrom('outbox').execute();
});
afterAll(async () => {
  propagation.disable();
  await database.drop();
});

/** Writes `count` messages, one transaction each, keys in rotation; returns their ids. */
async function write(topic: string, count: number, keys = ['k1', 'k2', 'k3']): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % keys.length]!;
    const message = outboxMessage(topic, key, { i });
    ids.push(message.headers.ce_id);
    await database.db.transaction().execute(async (trx) => {
      await lockKey(trx, key);
      await enqueue(trx, [message]);
    });
  }
  return ids;
}

const outboxCount = async () =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from outbox`.execute(database.db)).rows[0]?.n,
  );

/** Records the spans it starts, with their parents; enough to check context propagation. */
class RecordingTracer implements Tracer {
  readonly started: { name: string; parent: SpanContext | undefined; span: SpanContext }[] = [];
  startSpan(name: string, _options?: SpanOptions, ctx: Context = ROOT_CONTEXT): Span {
    const parent = trace.getSpanContext(ctx);
    const span: SpanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
    };
    this.started.push({ name, parent, span });
    return trace.wrapSpanContext(span);
  }
  startActiveSpan(): never {
    throw new Error('not used');
  }
}

describe('outbox relay', () => {
  it('publishes committed rows with their headers, continues their trace, deletes them and reports metrics', async () => {
    const topic = uniqueName('relay.basic');
    await createTopics(kafka, [topic]);
    const writer: SpanContext = {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
    };
    const message = outboxMessage(topic, 'order-1', { hello: 'world' });
    await database.db.transaction().execute(async (trx) => {
      await lockKey(trx, 'order-1');
      await enqueue(trx, [message], { context: trace.setSpanContext(ROOT_CONTEXT, writer) });
    });
    const ids = [message.headers.ce_id, ...(await write(topic, 9))];

    const registry = new Registry();
    const tracer = new RecordingTracer();
    const relay = new OutboxRelay({
      db: database.db,
      connection: { connectionString: database.url },
      kafka,
      service: uniqueName('svc'),
      registry,
      tracer,
    });
    const backlog = async () =>
      (await registry.getSingleMetric('outbox_backlog_messages')!.get()).values[0]?.value;
    expect(await backlog()).toBe(10);

    const recorder = await recordTopics(kafka, [topic]);
    relay.start();
    try {
      await eventually(() => expect(recorder.records).toHaveLength(10), 30_000);
      await eventually(async () => expect(await outboxCount()).toBe(0));
    } finally {
      await relay.stop();
      await recorder.stop();
    }
    expect(recorder.records.map((r) => r.headers.ce_id).sort()).toEqual([...ids].sort());
    const first = recorder.records.find((r) => r.headers.ce_id === message.headers.ce_id)!;
    expect(first).toMatchObject({ key: 'order-1', value: '{"hello":"world"}' });
    expect(first.headers).toMatchObject({ ce_type: 'Tested', ce_subject: 'order-1' });

    // The publish span is a child of the writer's span, and the record carries the publish span.
    const publish = tracer.started.find((s) => s.parent?.spanId === writer.spanId)!;
    expect(publish.name).toBe(`${topic} publish`);
    expect(first.headers.traceparent).toBe(`00-${writer.traceId}-${publish.span.spanId}-01`);

    expect(await backlog()).toBe(0);
    const published = await registry.getSingleMetric('outbox_published_messages_total')!.get();
    expect(published.values[0]?.value).toBe(10);
    const latency = await registry.getSingleMetric('outbox_publish_latency_seconds')!.get();
    expect(
      latency.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
        ?.value,
    ).toBe(10);
    const oldest = await registry.getSingleMetric('postgres_oldest_transaction_age_seconds')!.get();
    expect(oldest.values[0]?.value).toBeGreaterThanOrEqual(0);
  });

  it('publishes, exactly once, rows committed before a relay was killed ahead of sending them', async () => {
    const topic = uniqueName('relay.crash-before');
    await createTopics(kafka, [topic]);
    const ids = await write(topic, 30);
    const service = uniqueName('svc');

    const crashing = spawnRelay(database.url, service, 'before-send');
    children.push(crashing);
    expect(await crashing.exited).toBeNull(); // killed by SIGKILL, no exit code
    expect(await outboxCount()).toBe(30);

    const recorder = await recordTopics(kafka, [topic]);
    children.push(spawnRelay(database.url, service));
    try {
      await eventually(async () => expect(await outboxCount()).toBe(0), 30_000);
      await eventually(() => expect(recorder.records).toHaveLength(30), 30_000);
    } finally {
      await recorder.stop();
    }
    const counts = idCounts(recorder.records);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('re-sends a batch after a kill between send and delete, and the inbox keeps one effect per id', async () => {
    const topic = uniqueName('relay.crash-after');
    await createTopics(kafka, [topic]);
    const ids = await write(topic, 20);
    const service = uniqueName('svc');

    const recorder = await recordTopics(kafka, [topic]);
    const crashing = spawnRelay(database.url, service, 'after-send');
    children.push(crashing);
    await crashing.exited;
    children.push(spawnRelay(database.url, service));

    const groupId = uniqueName('effects');
    const consumer = new MessageConsumer({
      kafka,
      db: database.db,
      groupId,
      topics: [topic],
      fromBeginning: true,
      handler: async (trx, message) => {
        await trx.insertInto('effects').values({ message_id: message.id! }).execute();
      },
    });
    await consumer.start();
    try {
      await eventually(async () => expect(await outboxCount()).toBe(0), 30_000);
      await eventually(async () => {
        const inbox = await database.db
          .selectFrom('inbox')
          .select('message_id')
          .where('consumer', '=', groupId)
          .execute();
        expect(inbox).toHaveLength(20);
      }, 30_000);
      // The killed relay's batch reached Kafka, and the next leader sent it again.
      await eventually(() => expect(recorder.records.length).toBeGreaterThan(20), 30_000);
    } finally {
      await consumer.stop();
      await recorder.stop();
    }
    const effects = await database.db.selectFrom('effects').select('message_id').execute();
    expect(effects.map((e) => e.message_id).sort()).toEqual([...ids].sort());
    expect([...idCounts(recorder.records).values()].some((n) => n > 1)).toBe(true);
  });

  it('lets only one of two relays publish, and the other takes over when the leader is killed', async () => {
    const topic = uniqueName('relay.leader');
    await createTopics(kafka, [topic]);
    const service = uniqueName('svc');
    const a = spawnRelay(database.url, service);
    const b = spawnRelay(database.url, service);
    children.push(a, b);
    await eventually(
      () => expect([a.latest()?.leader, b.latest()?.leader].sort()).toEqual([false, true]),
      30_000,
    );
    const [leader, follower] = a.latest()?.leader ? [a, b] : [b, a];

    const recorder = await recordTopics(kafka, [topic]);
    try {
      const firstIds = await write(topic, 50);
      await eventually(() => expect(leader.latest()?.published).toBe(50), 30_000);
      expect(follower.statuses.every((s) => !s.leader && s.published === 0)).toBe(true);

      leader.kill('SIGKILL');
      await leader.exited;
      await eventually(() => expect(follower.latest()?.leader).toBe(true), 15_000);
      const secondIds = await write(topic, 50);
      await eventually(() => expect(follower.latest()?.published).toBe(50), 30_000);
      await eventually(() => expect(recorder.records).toHaveLength(100), 30_000);

      const counts = idCounts(recorder.records);
      expect([...counts.keys()].sort()).toEqual([...firstIds, ...secondIds].sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await recorder.stop();
    }
  });
});
