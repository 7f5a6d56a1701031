import type { Admin } from 'kafkajs';
import { AssignerProtocol } from 'kafkajs';

/** `topic/partition`. */
export type PartitionKey = string;

export interface GroupMember {
  memberId: string;
  /** The partitions the coordinator assigned to it in the current generation. */
  partitions: PartitionKey[];
}

export interface GroupState {
  /** Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  state: string;
  members: GroupMember[];
}

/** Who is in a consumer group and what each member owns, as the coordinator sees it. */
export async function describeGroup(admin: Admin, groupId: string): Promise<GroupState> {
  const {
    groups: [group],
  } = await admin.describeGroups([groupId]);
  if (!group) return { state: 'Dead', members: [] };
  return {
    state: group.state,
    members: group.members.map((m) => {
      const decoded =
        m.memberAssignment.length > 0
          ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
          : null;
      const partitions = Object.entries(decoded?.assignment ?? {}).flatMap(([topic, ps]) =>
        ps.map((p) => `${topic}/${p}`),
      );
      return { memberId: m.memberId, partitions: partitions.sort() };
    }),
  };
}

/** The group's committed offset per partition of the topics (-1: none yet). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Map<PartitionKey, bigint>> {
  const out = new Map<PartitionKey, bigint>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const { partition, offset } of partitions)
      out.set(`${topic}/${partition}`, BigInt(offset));
  }
  return out;
}
