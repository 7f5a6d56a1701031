import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { DlqHeaders, Headers } from '@orderflow/messaging';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { DeadLetters } from './dead-letters.js';

/**
 * The console's redrive on real Kafka: of the dead letters of a topic, only the ones
 * one consumer group wrote about one order go back to the original topic.
 */
let kafka: Kafka;
let producer: Producer;
let consumer: Consumer;
const prefix = `${uniqueName('console')}.`;
const source = `${prefix}payments.events`;
const dlq = `${source}.dlq`;
const orderA = randomUUID();
const orderB = randomUUID();
const received: { key: string; value: string; headers: Record<string, string> }[] = [];

/** A dead letter as the consumers write one: the record, plus why and where it failed. */
const letter = (offset: string, orderId: string, eventId: string, group: string) => ({
  key: orderId,
  value: `payload of ${eventId}`,
  headers: {
    [Headers.id]: eventId,
    [Headers.type]: 'orderflow.payments.PaymentAuthorized',
    [DlqHeaders.originalTopic]: source,
    [DlqHeaders.originalPartition]: '0',
    [DlqHeaders.originalOffset]: offset,
    [DlqHeaders.consumerGroup]: group,
    [DlqHeaders.errorClass]: 'NonRetriableError',
    [DlqHeaders.reason]: 'cannot decode',
    [DlqHeaders.failedAt]: '2026-01-02T10:00:00.000Z',
    [DlqHeaders.attempts]: '1',
  },
});

beforeAll(async () => {
  kafka = testKafka();
  await createTopics(kafka, [source, dlq], 1);
  producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: dlq,
    messages: [
      letter('3', orderA, 'event-a1', 'orders'),
      letter('3', orderA, 'event-a1', 'notifications'),
      letter('4', orderB, 'event-b1', 'orders'),
      letter('5', orderA, 'event-a2', 'orders'),
      // The same record dead-lettered twice by one group: redriven once.
      letter('5', orderA, 'event-a2', 'orders'),
    ],
  });
  consumer = kafka.consumer({ groupId: uniqueName('console-redrive-test') });
  await consumer.connect();
  await consumer.subscribe({ topics: [source], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        headers[name] = String(value);
      received.push({
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers,
      });
    },
  });
});

afterAll(async () => {
  await consumer?.disconnect();
  await producer?.disconnect();
});

describe('the console redriving dead letters', () => {
  it("redrives one group's letters about one order, each source record once, and no other order's", async () => {
    const deadLetters = new DeadLetters(kafka, prefix);
    expect((await deadLetters.ofOrder(orderA)).map((l) => l.consumerGroup)).toEqual([
      'orders',
      'notifications',
      'orders',
      'orders',
    ]);

    expect(await deadLetters.redrive(dlq, 'orders', orderA)).toBe(2);
    await eventually(async () => expect(received).toHaveLength(2));
    expect(received.map((r) => [r.key, r.value]).sort()).toEqual([
      [orderA, 'payload of event-a1'],
      [orderA, 'payload of event-a2'],
    ]);
    for (const record of received) {
      expect(record.headers[Headers.type]).toBe('orderflow.payments.PaymentAuthorized');
      expect(Object.keys(record.headers).filter((h) => h.startsWith('dlq-'))).toEqual([
        DlqHeaders.redrivenAt,
      ]);
    }

    // Order B's letter and the other group's letters stay where they are, until asked for.
    expect(await deadLetters.redrive(dlq, 'orders', orderB)).toBe(1);
    await eventually(async () => expect(received).toHaveLength(3));
    expect(received[2]).toMatchObject({ key: orderB, value: 'payload of event-b1' });
    expect(await deadLetters.redrive(dlq, 'shipping', orderA)).toBe(0);
  });

  it('refuses a topic that is not one of the dead-letter topics', async () => {
    await expect(new DeadLetters(kafka, prefix).redrive(source, 'orders', orderA)).rejects.toThrow(
      `not a dead-letter topic: ${source}`,
    );
  });
});
