import type { Kafka } from 'kafkajs';
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
 * Creates the topics a service needs if they do not exist. Brokers have topic
 * auto-creation off, so a typo fails loudly instead of creating a topic.
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
    if (toCreate.length === 0) return;
    try {
      await admin.createTopics({
        topics: toCreate.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
        waitForLeaders: true,
      });
    } catch (error) {
      // Services starting together race to create the same topics: fine if they exist now.
      if ((await missing()).length > 0) throw error;
    }
  } finally {
    await admin.disconnect();
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
