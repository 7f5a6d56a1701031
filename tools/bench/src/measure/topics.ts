import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import type { StackEndpoints } from '../infra/stack.js';

/** Next offset to be written, per partition of each topic. */
export type TopicEnds = Map<string, Map<number, bigint>>;

/** A record as the per-hop breakdown needs it. */
export interface RecordInfo {
  topic: string;
  key: string | undefined;
  /** The `ce_id` header: the producing service's event id, the consumers' inbox key. */
  ceId: string | undefined;
  /** The record's CreateTime (epoch ms): when the relay's producer built the batch. */
  timestamp: number;
}

export function benchKafka(stack: StackEndpoints, clientId = 'orderflow-bench'): Kafka {
  return new KafkaClient({ clientId, brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
}

export async function topicEnds(kafka: Kafka, topics: readonly string[]): Promise<TopicEnds> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: TopicEnds = new Map();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      out.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every record written between two snapshots of the topics' ends, read with a
 * consumer group of the bench's own (it commits nothing the services read).
 */
export async function readBetween(
  kafka: Kafka,
  from: TopicEnds,
  to: TopicEnds,
  timeoutMs = 60_000,
): Promise<RecordInfo[]> {
  const remaining = new Map<string, bigint>();
  for (const [topic, partitions] of to) {
    for (const [partition, end] of partitions) {
      const start = from.get(topic)?.get(partition) ?? 0n;
      if (end > start) remaining.set(`${topic}/${partition}`, end);
    }
  }
  if (remaining.size === 0) return [];
  const records: RecordInfo[] = [];
  const consumer = kafka.consumer({
    groupId: `orderflow-bench-reader-${randomUUID()}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    for (const topic of to.keys()) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const start = from.get(batch.topic)?.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset < start) continue;
          const end = remaining.get(`${batch.topic}/${batch.partition}`);
          if (end === undefined || offset >= end) continue;
          const ceId = m.headers?.['ce_id'];
          records.push({
            topic: batch.topic,
            key: m.key?.toString('utf8'),
            ceId: ceId === undefined ? undefined : String(Array.isArray(ceId) ? ceId[0] : ceId),
            timestamp: Number(m.timestamp),
          });
          if (offset + 1n >= end) remaining.delete(`${batch.topic}/${batch.partition}`);
        }
      },
    });
    for (const [topic, partitions] of from) {
      for (const [partition, offset] of partitions)
        consumer.seek({ topic, partition, offset: String(offset) });
    }
    const deadline = Date.now() + timeoutMs;
    while (remaining.size > 0 && Date.now() < deadline) await sleep(100);
  } finally {
    await consumer.disconnect();
  }
  return records;
}
