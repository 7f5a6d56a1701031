import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Decider } from '@orderflow/decider';
import { DomainError } from '@orderflow/decider';
import type { TestDatabase } from '@orderflow/testing';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { handleCommand } from '../event-store/handle-command.js';
import { Headers } from '../headers.js';
import { messagingDatabase, recordTopics } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import { MessageConsumer } from './message-consumer.js';

/** A decider whose only rule: a closed account takes no deposits. */
class AccountClosedError extends DomainError {}
type Command = { type: 'Deposit'; amount: number } | { type: 'Close' };
type Event = { type: 'Deposited'; data: { amount: number } } | { type: 'Closed'; data: null };
const account: Decider<Command, Event, { closed: boolean }> = {
  initialState: { closed: false },
  decide(command, state) {
    if (state.closed) throw new AccountClosedError('the account is closed');
    return command.type === 'Close'
      ? [{ type: 'Closed', data: null }]
      : [{ type: 'Deposited', data: { amount: command.amount } }];
  },
  evolve: (state, event) => (event.type === 'Closed' ? { closed: true } : state),
};

let database: TestDatabase<MessagingTables>;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  database = await messagingDatabase('rejection');
  kafka = testKafka();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await database.drop();
});

const send = (topic: string, key: string, body: string) =>
  producer.send({
    topic,
    acks: -1,
    messages: [{ key, value: body, headers: { [Headers.id]: randomUUID() } }],
  });

describe('a decider rejection in a consumer', () => {
  it('is dead-lettered on its first attempt, not retried, and the partition moves on', async () => {
    const topic = uniqueName('consumer.rejection');
    const dlq = `${topic}.dlq`;
    await createTopics(kafka, [topic, dlq], 1);
    const attempts = new Map<string, number>();
    const registry = new Registry();
    const consumer = new MessageConsumer({
      kafka,
      db: database.db,
      groupId: uniqueName('group'),
      topics: [topic],
      fromBeginning: true,
      registry,
      retry: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 50 },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      handler: async (trx, message) => {
        const body = message.value!.toString();
        attempts.set(body, (attempts.get(body) ?? 0) + 1);
        const command: Command =
          body === 'close' ? { type: 'Close' } : { type: 'Deposit', amount: body.length };
        await handleCommand(trx, { decider: account, streamId: message.key!, command });
      },
    });
    await send(topic, 'account-1', 'close');
    await send(topic, 'account-1', 'deposit-after-close');
    await send(topic, 'account-2', 'another-record');
    const dead = await recordTopics(kafka, [dlq]);
    await consumer.start();
    try {
      await eventually(() => expect(dead.records).toHaveLength(1));
      await eventually(() => expect(attempts.get('another-record')).toBe(1));
    } finally {
      await dead.stop();
      await consumer.stop();
    }
    expect(dead.records[0]).toMatchObject({ key: 'account-1', value: 'deposit-after-close' });
    expect(dead.records[0]!.headers).toMatchObject({
      'dlq-reason': 'the account is closed',
      'dlq-error-class': 'AccountClosedError',
      'dlq-attempts': '1',
    });
    // At most once in its batch, which rolls back, and once alone, to isolate it; a
    // retriable error would be tried five times alone.
    expect(attempts.get('deposit-after-close')).toBeLessThanOrEqual(2);
  });
});
