import type { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadToEndOptions {
  /** Start from this group's committed offsets and commit what was handled. */
  groupId: string;
  commit: boolean;
}

/**
 * Reads a topic from the group's position (or the beginning) up to the high watermarks
 * taken at the start, then stops: records produced meanwhile are left for next time.
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  options: ReadToEndOptions,
  onRecord: (partition: number, message: KafkaMessage) => Promise<void>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    const [watermarks, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: options.groupId, topics: [topic] }),
    ]);
    for (const w of watermarks) {
      const position = committed?.partitions.find((p) => p.partition === w.partition)?.offset;
      const start = position && position !== '-1' ? BigInt(position) : BigInt(w.low);
      if (start < BigInt(w.high)) ends.set(w.partition, BigInt(w.high));
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return;

  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const remaining = new Set(ends.keys());
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            try {
              await onRecord(partition, message);
              const next = String(BigInt(message.offset) + 1n);
              if (options.commit)
                await consumer.commitOffsets([{ topic, partition, offset: next }]);
              if (BigInt(next) >= end) remaining.delete(partition);
              if (remaining.size === 0) resolve();
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
              throw error;
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
