import { ensureTopics } from '@orderflow/kafka-admin';
import type { AclEntry, Kafka } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { ServiceName } from './service.js';
import { serviceNames } from './service.js';

// kafkajs is CommonJS, and Node's ESM loader does not see these enums as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/**
 * Whose events each service consumes. The event contract's `subscriptions` is the
 * source of truth; the stack cannot import it (the contract's tests depend on the
 * stack), so a test in libs/platform checks that the two agree.
 */
export const consumedBy = {
  orders: ['payments', 'shipping'],
  payments: ['orders', 'shipping'],
  shipping: ['orders', 'payments'],
  notifications: ['orders'],
} as const satisfies Record<ServiceName, readonly ServiceName[]>;

/** What one service may do on a secure broker, by resource name. */
export interface ServiceGrants {
  /** Its own topic, and the dead-letter topics of the topics it consumes. */
  writes: string[];
  /** The topics it consumes. */
  reads: string[];
  /** Its consumer group. */
  groups: string[];
}

/**
 * Least privilege for each service under a topic prefix (KAFKA_TOPIC_PREFIX): topic
 * `<prefix><service>.events`, dead letters `<topic>.dlq`, consumer group
 * `<prefix><service>`, as the services name them. Every name is exact (LITERAL): what
 * varies between environments is the prefix at the front, and a PREFIXED pattern on
 * `payments.events` would also match `payments.events.dlq`, which payments has no
 * business writing. Each prefix gets its own bindings (see `grantServices`).
 *
 * No service may create topics (an admin creates them: the stack, the chart's job) or
 * use another service's group. Idempotent producing needs no cluster-wide
 * IdempotentWrite: on Kafka 3.x, Write on a topic allows InitProducerId (KIP-679).
 */
export function serviceGrants(service: ServiceName, prefix = ''): ServiceGrants {
  const topicOf = (s: ServiceName) => `${prefix}${s}.events`;
  const reads = consumedBy[service].map(topicOf);
  return {
    writes: [topicOf(service), ...reads.map((t) => `${t}.dlq`)],
    reads,
    groups: [`${prefix}${service}`],
  };
}

/** Every topic the services of one prefix need: each service's own, and their dead letters. */
export function serviceTopics(prefix = ''): string[] {
  const all = serviceNames.flatMap((s) => serviceGrants(s, prefix).writes);
  return [...new Set(all)].sort();
}

/** The grants as kafkajs ACL entries, for `User:<service>` from any host. */
export function serviceAcls(prefix = ''): AclEntry[] {
  return serviceNames.flatMap((service) => {
    const grants = serviceGrants(service, prefix);
    const allow = (
      resourceType: kafkajs.AclResourceTypes,
      resourceName: string,
      operation: kafkajs.AclOperationTypes,
    ): AclEntry => ({
      resourceType,
      resourceName,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${service}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    return [
      ...grants.writes.map((t) => allow(AclResourceTypes.TOPIC, t, AclOperationTypes.WRITE)),
      ...grants.reads.map((t) => allow(AclResourceTypes.TOPIC, t, AclOperationTypes.READ)),
      ...grants.groups.map((g) => allow(AclResourceTypes.GROUP, g, AclOperationTypes.READ)),
    ];
  });
}

/**
 * As the admin: creates the services' topics under `prefix` (if missing) and grants
 * each service exactly what `serviceGrants` names. Both are idempotent.
 */
export async function grantServices(kafka: Kafka, prefix = '', partitions = 3): Promise<void> {
  await ensureTopics(kafka, serviceTopics(prefix), partitions);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: serviceAcls(prefix) });
  } finally {
    await admin.disconnect();
  }
}
