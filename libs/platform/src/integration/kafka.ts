import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { Logger as MessagingLogger } from '@orderflow/messaging';

export function createKafka(options: {
  brokers: string[];
  clientId: string;
  logger: Logger;
}): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new KafkaClient({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...fields } = entry;
        if (level <= logLevel.ERROR) log.error(fields, message);
        else log.warn(fields, message);
      },
  });
}

/**
 * Creates the topics a service needs if they do not exist, and waits until every
 * partition has a leader. Brokers have topic auto-creation off, so a typo fails
 * loudly instead of creating a topic. Services starting together race to create the
 * same topics: whoever loses must still wait for the winner's leaders, or its
 * consumer's first metadata request fails.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  numPartitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const missing = async () => {
      const existing = new Set(await admin.listTopics());
      return topics.filter((t) => !existing.has(t));
    };
    const toCreate = await missing();
    if (toCreate.length > 0) {
      try {
        await admin.createTopics({
          topics: toCreate.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
          waitForLeaders: true,
        });
      } catch (error) {
        if ((await missing()).length > 0) throw error;
      }
    }
    await waitForLeaders(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (
        metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without leaders after ${timeoutMs / 1000}s: ${topics.join(', ')}`);
    await sleep(200);
  }
}

/** The messaging library's logger interface over pino. */
export function messagingLogger(logger: Logger): MessagingLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
