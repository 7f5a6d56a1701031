import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { createTopics, eventually, stack, testKafka, uniqueName } from '@orderflow/testing';
import { deadLetterMessage } from '../consumer/dead-letter.js';
import { NonRetriableError } from '../errors.js';
import { Headers } from '../headers.js';
import { recordTopics } from '../test-support/fixtures.js';

/**
 * `npm run dlq` on real Kafka: one poison record that three consumer groups each
 * dead-lettered (as the consumers write dead letters), plus one of another record.
 */
const root = path.resolve(__dirname, '..', '..', '..', '..');
const cli = path.join(root, 'libs', 'messaging', 'src', 'cli', 'dlq.ts');

function dlq(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      {
        cwd: root,
        env: { ...process.env, KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(',') },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let kafka: Kafka;
let producer: Producer;
const topic = uniqueName('dlqcli.orders.events');

beforeAll(async () => {
  kafka = testKafka();
  producer = kafka.producer();
  await producer.connect();
  await createTopics(kafka, [topic, `${topic}.dlq`], 1);
  const letter = (offset: string, key: string, id: string, group: string) =>
    deadLetterMessage(
      {
        id,
        topic,
        partition: 0,
        offset,
        key,
        value: Buffer.from('not avro'),
        headers: { [Headers.id]: id, [Headers.type]: 'orderflow.orders.OrderPlaced' },
        timestamp: '0',
      },
      new NonRetriableError('cannot decode'),
      1,
      group,
      new Date('2026-01-02T10:00:00Z'),
    );
  await producer.send({
    topic: `${topic}.dlq`,
    messages: [
      letter('7', 'order-1', 'event-1', 'payments'),
      letter('7', 'order-1', 'event-1', 'shipping'),
      letter('9', 'order-2', 'event-2', 'payments'),
      letter('7', 'order-1', 'event-1', 'notifications'),
    ],
  });
});

afterAll(() => producer?.disconnect());

describe('npm run dlq', () => {
  it('inspects the dead letters of a source topic, one line per source record with its groups', async () => {
    const run = await dlq(['inspect', topic]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim().split('\n')).toEqual([
      `${topic}[0]@7  key=order-1  id=event-1  groups=payments,shipping,notifications  letters=0@0,0@1,0@3  at=2026-01-02T10:00:00.000Z  NonRetriableError: cannot decode`,
      `${topic}[0]@9  key=order-2  id=event-2  groups=payments  letters=0@2  at=2026-01-02T10:00:00.000Z  NonRetriableError: cannot decode`,
      `4 dead letter(s) of 2 record(s) in ${topic}.dlq`,
    ]);
    expect((await dlq(['inspect', `${topic}.dlq`])).stdout).toEqual(run.stdout);
  });

  it('refuses a topic that has no dead-letter topic, and a command line it does not know', async () => {
    const missing = await dlq(['inspect', `${topic}.nothing`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      new RegExp(`^dlq: there is no dead-letter topic ${topic}\\.nothing\\.dlq[;\\n]`),
    );
    expect((await dlq(['inspect', topic, '--group', 'payments'])).code).toBe(2);
    expect((await dlq(['peek', topic])).code).toBe(2);
  });

  it("redrives one group's letters, each source record once, and not twice", async () => {
    const original = await recordTopics(kafka, [topic]);
    try {
      const run = await dlq(['redrive', topic, '--group', 'shipping']);
      expect(run).toMatchObject({
        code: 0,
        stdout: `redrove 1 record(s) from ${topic}.dlq (the letters of shipping)\n`,
      });
      await eventually(async () => expect(original.records).toHaveLength(1));
      expect(original.records[0]).toMatchObject({
        key: 'order-1',
        value: 'not avro',
        headers: { [Headers.id]: 'event-1', 'dlq-redriven-at': expect.any(String) as unknown },
      });
      expect(Object.keys(original.records[0]!.headers).filter((h) => h.startsWith('dlq-'))).toEqual(
        ['dlq-redriven-at'],
      );
      expect((await dlq(['redrive', topic, '--group', 'shipping'])).stdout).toMatch(/^redrove 0 /);

      // Every group's letters: order-1 once more (not three times), order-2 once.
      expect((await dlq(['redrive', topic])).stdout).toMatch(/^redrove 2 record\(s\)/);
      await eventually(async () =>
        expect(original.records.map((r) => r.key).sort()).toEqual([
          'order-1',
          'order-1',
          'order-2',
        ]),
      );
    } finally {
      await original.stop();
    }
  });
});
