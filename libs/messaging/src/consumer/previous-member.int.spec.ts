import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { TestDatabase } from '@orderflow/testing';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { Headers } from '../headers.js';
import { messagingDatabase, spawnConsumer } from '../test-support/fixtures.js';
import type { MessagingTables } from '../types.js';
import { MessageConsumer } from './message-consumer.js';
import { evictMember, previousMember, rememberMember } from './previous-member.js';

/**
 * A session far longer than the test may run: a replacement that waited for its killed
 * predecessor's session to end would not consume before the test timed out.
 */
const sessionTimeoutMs = 300_000;
const instanceId = 'payments-7d9f-x2';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let database: TestDatabase<MessagingTables>;
let kafka: Kafka;
let producer: Producer;
let admin: Admin;

beforeAll(async () => {
  database = await messagingDatabase('members');
  kafka = testKafka();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
});
afterAll(async () => {
  await Promise.all([producer.disconnect(), admin.disconnect()]);
  await database.drop();
});

async function group(groupId: string) {
  const {
    groups: [described],
  } = await admin.describeGroups([groupId]);
  return { state: described?.state, members: described?.members.map((m) => m.memberId) ?? [] };
}

describe('a consumer restarted under its instance id', () => {
  it('removes the member its SIGKILLed predecessor left, and consumes without waiting for its session', async () => {
    const groupId = uniqueName('group');
    const topic = uniqueName('members');
    await createTopics(kafka, [topic]);

    const child = spawnConsumer({
      databaseUrl: database.url,
      groupId,
      topic,
      instanceId,
      sessionTimeoutMs,
    });
    // The first process records the member id the group gave it, and holds the group.
    const dead = await eventually(async () => {
      const memberId = await previousMember(database.db, groupId, instanceId);
      expect(memberId).toBeDefined();
      expect(await group(groupId)).toEqual({ state: 'Stable', members: [memberId] });
      return memberId!;
    }, 60_000);
    child.kill('SIGKILL');
    await child.exited;
    // Killed without leaving: the group still counts it.
    expect((await group(groupId)).members).toEqual([dead]);

    const handled: string[] = [];
    const replacement = new MessageConsumer({
      kafka,
      db: database.db,
      groupId,
      topics: [topic],
      instanceId,
      fromBeginning: true,
      consumer: { sessionTimeout: sessionTimeoutMs },
      logger: quiet,
      handler: async (_trx, message) => {
        handled.push(message.id!);
      },
    });
    await replacement.start();
    try {
      const id = randomUUID();
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: 'k', value: 'v', headers: { [Headers.id]: id } }],
      });
      await eventually(() => expect(handled).toEqual([id]), 60_000);
      const now = await group(groupId);
      expect(now.members).toHaveLength(1);
      expect(now.members).not.toContain(dead);
      expect(await previousMember(database.db, groupId, instanceId)).toBe(now.members[0]);
      // Instances that have not joined for a month are forgotten when another joins.
      await database.db
        .insertInto('consumer_instances')
        .values({ group_id: groupId, instance_id: 'payments-old', member_id: 'gone' })
        .execute();
      await database.db
        .updateTable('consumer_instances')
        .set({ joined_at: new Date(Date.now() - 31 * 86_400_000) })
        .where('instance_id', '=', 'payments-old')
        .execute();
      await rememberMember(database.db, groupId, instanceId, now.members[0]!);
      expect(
        (await database.db.selectFrom('consumer_instances').select('instance_id').execute()).map(
          (r) => r.instance_id,
        ),
      ).toEqual([instanceId]);
      // A member the group no longer knows is reported gone, not as a failure.
      expect(await evictMember(kafka, groupId, dead)).toBe(false);
    } finally {
      await replacement.stop();
    }
  }, 180_000);
});
