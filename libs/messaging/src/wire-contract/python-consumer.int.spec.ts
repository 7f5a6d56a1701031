import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { EventDataMap, EventType, TopicMap } from '@orderflow/events';
import { buildHeaders, eventDefinitions, EventSerde, services, Topics } from '@orderflow/events';
import type { TestDatabase } from '@orderflow/testing';
import {
  createTopics,
  eventually,
  pythonEnv,
  stack,
  testKafka,
  uniqueName,
} from '@orderflow/testing';
import type { Kafka } from 'kafkajs';
import { sql } from 'kysely';
import { lockKey } from '../lock-key.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import { enqueue } from '../outbox/enqueue.js';
import { OutboxRelay } from '../outbox/relay.js';
import { messagingDatabase } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';

/** Clients this project did not write, pinned: what an outside consumer would use. */
const requirements = ['confluent-kafka==2.16.1', 'fastavro==1.13.1'];
const script = path.join(__dirname, 'check_records.py');
const partitions = 6;
const orders = 16;

interface Report {
  clients: Record<string, string>;
  partitions: Record<string, number>;
  records: {
    topic: string;
    partition: number;
    key: string;
    headers: Record<string, string>;
    expectedPartition: number;
    subject: string;
    type: string;
    value: unknown;
    problems: string[];
  }[];
  probe: Record<string, { murmur2_random: number; default: number }>;
}

interface Published {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: unknown;
}

/**
 * The wire contract (docs/integrating.md), proven with Confluent's Python client and
 * fastavro: events go out the way the services send them (Avro through the registry,
 * CloudEvents headers, the outbox relay and its producer), and a Python process that
 * shares no code with this project reads them back, decodes them by the schema id in
 * each value, and checks headers, subjects and murmur2 partitioning.
 */
describe('the wire contract, read from Python', () => {
  const prefix = `${uniqueName('wire')}.`;
  const topics = Object.fromEntries(services.map((s) => [s, `${prefix}${Topics[s]}`])) as TopicMap;
  const probeTopic = `${prefix}probe`;
  let database: TestDatabase<MessagingTables>;
  let kafka: Kafka;
  let serde: EventSerde;

  beforeAll(async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    database = await messagingDatabase('wire');
    kafka = testKafka();
    await createTopics(kafka, [topics.orders, topics.payments, probeTopic], partitions);
    serde = new EventSerde({ registryUrl: stack.endpoints.registryUrl, topics });
    await serde.registerAll([
      'OrderPlaced',
      'OrderCancelled',
      'PaymentAuthorized',
      'PaymentDeclined',
    ]);
  });
  afterAll(async () => {
    propagation.disable();
    await database?.drop();
  });

  /** One order's events, written to the outbox in one transaction, within a trace. */
  async function writeOrder(i: number): Promise<{ published: Published[]; traceId: string }> {
    const orderId = randomUUID();
    const at = new Date(Date.UTC(2026, 0, 1, 12, 0, i));
    const total = { amountMinor: 1_000 + i * 37, currency: i % 3 === 0 ? 'USD' : 'EUR' };
    const published: Published[] = [];
    const messages: OutboxMessage[] = [];
    /** As the services publish an event: Avro through the registry, CloudEvents headers. */
    const publish = async <K extends EventType>(type: K, data: EventDataMap[K]) => {
      const headers = buildHeaders({
        id: randomUUID(),
        type,
        source: `/orderflow/${eventDefinitions[type].service}`,
        time: at,
        subject: orderId,
        correlationId: `corr-${i}`,
        causationId: messages.at(-1)?.headers['ce_id'] ?? `request-${i}`,
      });
      const strings = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
      const topic = serde.topicOf(type);
      messages.push({
        topic,
        key: orderId,
        value: await serde.encode(type, data),
        headers: strings,
      });
      published.push({ topic, key: orderId, headers: strings, value: plain(data) });
    };

    await publish('OrderPlaced', {
      orderId,
      customerId: `c-${i}`,
      items: [{ sku: `SKU-${i}`, quantity: 1 + (i % 4), unitPrice: total }],
      total,
      shippingAddress: {
        recipient: 'Ada Lovelace',
        line1: 'Examplestraße 1',
        line2: i % 2 === 0 ? null : 'Hinterhaus',
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      },
      placedAt: at,
    });
    if (i % 2 === 0) {
      const payment = { orderId, paymentId: `p-${i}`, customerId: `c-${i}`, amount: total };
      await publish('PaymentAuthorized', payment);
    } else {
      const customerId = `c-${i}`;
      await publish('PaymentDeclined', {
        orderId,
        customerId,
        amount: total,
        reason: 'INSUFFICIENT_FUNDS',
      });
      await publish('OrderCancelled', {
        orderId,
        reason: 'PAYMENT_DECLINED',
        detail: i % 4 === 1 ? null : 'insufficient funds',
        cancelledAt: at,
      });
    }

    const writer = {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
    };
    await database.db.transaction().execute(async (trx) => {
      await lockKey(trx, orderId);
      await enqueue(trx, messages, { context: trace.setSpanContext(ROOT_CONTEXT, writer) });
    });
    return { published, traceId: writer.traceId };
  }

  it('decodes every record, finds it on the partition murmur2 gives its key, with the contract headers', async () => {
    const written = await Promise.all(Array.from({ length: orders }, (_, i) => writeOrder(i)));
    const relay = new OutboxRelay({
      db: database.db,
      connection: { connectionString: database.url },
      kafka,
      service: uniqueName('wire'),
    });
    relay.start();
    try {
      await eventually(async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from outbox`.execute(
          database.db,
        );
        expect(rows[0]?.n).toBe(0);
      }, 30_000);
    } finally {
      await relay.stop();
    }

    const python = await pythonEnv('wire-contract', requirements);
    const { stdout } = await promisify(execFile)(
      python.python,
      [
        script,
        '--brokers',
        stack.endpoints.kafkaBrokers.join(','),
        '--registry',
        stack.endpoints.registryUrl,
        '--topics',
        [topics.orders, topics.payments].join(','),
        '--probe-topic',
        probeTopic,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as Report;
    expect(report.clients).toMatchObject({ 'confluent-kafka': '2.16.1', fastavro: '1.13.1' });
    expect(report.partitions).toEqual({
      [topics.orders]: partitions,
      [topics.payments]: partitions,
    });

    // Nothing in any record breaks the contract, as the Python side sees it.
    expect(
      report.records.flatMap((r) => r.problems.map((p) => `${r.type} ${r.key}: ${p}`)),
    ).toEqual([]);

    // Every published event arrived once, decoded by fastavro to what was encoded.
    const published = written.flatMap((w) => w.published);
    expect(report.records).toHaveLength(published.length);
    const byId = new Map(report.records.map((r) => [r.headers['ce_id'], r]));
    for (const { published: events, traceId } of written) {
      for (const sent of events) {
        const record = byId.get(sent.headers['ce_id']);
        expect(record?.value).toEqual(sent.value);
        expect(record).toMatchObject({
          topic: sent.topic,
          key: sent.key,
          subject: `${sent.topic}-${sent.headers['ce_type']}`,
          headers: sent.headers,
        });
        // The relay's publish span continues the trace the rows were written in.
        expect(record?.headers['traceparent']).toMatch(
          new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`),
        );
      }
    }

    // The partition the project's producer chose is Java's murmur2 one, computed in
    // Python; keys spread over the partitions, so agreement is no accident.
    for (const r of report.records) expect(r.partition).toBe(r.expectedPartition);
    expect(new Set(report.records.map((r) => r.partition)).size).toBeGreaterThan(2);

    // librdkafka with partitioner=murmur2_random puts each key where the services do;
    // its default partitioner does not.
    const partitionOf = new Map(report.records.map((r) => [r.key, r.partition]));
    const keys = [...partitionOf.keys()].sort();
    expect(Object.keys(report.probe).sort()).toEqual(keys);
    for (const key of keys) expect(report.probe[key]!.murmur2_random).toBe(partitionOf.get(key));
    expect(keys.filter((key) => report.probe[key]!.default !== partitionOf.get(key))).not.toEqual(
      [],
    );
  }, 300_000);
});

/** An event's data as the Python side reports it: timestamps in epoch milliseconds. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
