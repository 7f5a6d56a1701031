import type { Kafka } from 'kafkajs';
import { sql } from 'kysely';
import type { Executor, MessagingTables } from '../types.js';
import { messagingDb } from '../types.js';

/**
 * A restart that does not wait for its own ghost. A consumer killed without leaving its
 * group (SIGKILL, OOM) stays a member until its session times out, and the group's next
 * generation, the one its replacement joins, waits for that: 6 s with a stock broker's
 * shortest session. Kafka's answer is static membership (`group.instance.id`), which
 * kafkajs does not implement. This is the part of it a restart needs: a consumer that
 * knows which instance it is (the pod name, say) records the member id the group gave
 * it, and the next process of the same instance asks the group coordinator to remove
 * that member (LeaveGroup) before it joins.
 *
 * Safe if the old process is alive after all (the same instance id given to two
 * replicas, a paused process): it is expelled, its offset commits fail, it rejoins as
 * a new member, and what it handled without committing is redelivered and dropped by
 * the inbox.
 */

/** The member id this instance had in the group when it last joined, if any. */
export async function previousMember<DB extends MessagingTables>(
  db: Executor<DB>,
  groupId: string,
  instanceId: string,
): Promise<string | undefined> {
  const row = await messagingDb(db)
    .selectFrom('consumer_instances')
    .select('member_id')
    .where('group_id', '=', groupId)
    .where('instance_id', '=', instanceId)
    .executeTakeFirst();
  return row?.member_id;
}

/**
 * Instances not seen joining for this long are forgotten: replicas named after pods of
 * a Deployment get new names at every rollout, and every rollout makes the live members
 * join again, which keeps their rows fresh.
 */
const forgetAfterDays = 30;

/** Records the member id the group gave this instance (on every join). */
export async function rememberMember<DB extends MessagingTables>(
  db: Executor<DB>,
  groupId: string,
  instanceId: string,
  memberId: string,
): Promise<void> {
  await messagingDb(db)
    .insertInto('consumer_instances')
    .values({ group_id: groupId, instance_id: instanceId, member_id: memberId })
    .onConflict((oc) =>
      oc
        .columns(['group_id', 'instance_id'])
        .doUpdateSet({ member_id: memberId, joined_at: sql`now()` }),
    )
    .execute();
  await messagingDb(db)
    .deleteFrom('consumer_instances')
    .where('group_id', '=', groupId)
    .where('joined_at', '<', sql<Date>`now() - make_interval(days => ${forgetAfterDays})`)
    .execute();
}

/** kafkajs' own cluster client (private): it brings the client's TLS, SASL and retries. */
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string }): Promise<{
    leaveGroup(args: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

function createCluster(kafka: Kafka): Cluster {
  const key = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  const create = key && (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') throw new Error('this kafkajs has no cluster factory');
  return (create as (options: object) => Cluster)({});
}

/**
 * Removes a member from its group. True if it was removed; false if the group does not
 * count it (it left on a graceful stop, or its session has ended): then nothing is sent,
 * so a normal restart asks the coordinator nothing but who is in the group.
 */
export async function evictMember(
  kafka: Kafka,
  groupId: string,
  memberId: string,
): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const {
      groups: [group],
    } = await admin.describeGroups([groupId]);
    if (!group?.members.some((m) => m.memberId === memberId)) return false;
  } finally {
    await admin.disconnect();
  }
  const cluster = createCluster(kafka);
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } catch (error) {
    // It left, or timed out, since the group was described.
    if ((error as { type?: string }).type === 'UNKNOWN_MEMBER_ID') return false;
    throw error;
  } finally {
    await cluster.disconnect();
  }
}
