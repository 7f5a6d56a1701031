import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { DlqHeaders, headersToStrings } from '../headers.js';
import { readToEnd } from './read-to-end.js';
import { connectOrderedProducer } from '../producer.js';

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string | undefined;
  errorClass: string | undefined;
  originalTopic: string | undefined;
  originalPartition: string | undefined;
  originalOffset: string | undefined;
  consumerGroup: string | undefined;
  failedAt: string | undefined;
  attempts: string | undefined;
}

/** Every record of a dead-letter topic, with why it failed. Moves no offsets. */
export async function inspectDeadLetters(kafka: Kafka, dlqTopic: string): Promise<DeadLetter[]> {
  const groupId = `dlq-inspect-${randomUUID()}`;
  const found: DeadLetter[] = [];
  await readToEnd(kafka, dlqTopic, { groupId, commit: false }, async (partition, message) => {
    const headers = headersToStrings(message.headers);
    found.push({
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8') ?? null,
      value: message.value,
      headers,
      reason: headers[DlqHeaders.reason],
      errorClass: headers[DlqHeaders.errorClass],
      originalTopic: headers[DlqHeaders.originalTopic],
      originalPartition: headers[DlqHeaders.originalPartition],
      originalOffset: headers[DlqHeaders.originalOffset],
      consumerGroup: headers[DlqHeaders.consumerGroup],
      failedAt: headers[DlqHeaders.failedAt],
      attempts: headers[DlqHeaders.attempts],
    });
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  return found.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

export interface RedriveOptions {
  /** Only the letters this consumer group wrote; progress is then kept per group. */
  group?: string | undefined;
}

/**
 * Re-produces the dead letters not redriven yet to their original topics, with their
 * original key, value and headers (so the inbox still dedupes them) plus a
 * `dlq-redriven-at` header. Progress is the committed offset of the group
 * `<dlq topic>.redrive` (`<dlq topic>.redrive.<group>` for one group's letters), so
 * running it twice does not redrive a record twice. Every consumer group of the
 * original topic sees the record again; those that had handled it skip it through
 * their inbox. A record several groups dead-lettered is re-produced once per run.
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  dlqTopic: string,
  { group }: RedriveOptions = {},
): Promise<number> {
  const producer = await connectOrderedProducer(kafka);
  const sent = new Set<string>();
  try {
    await readToEnd(
      kafka,
      dlqTopic,
      { groupId: group ? `${dlqTopic}.redrive.${group}` : `${dlqTopic}.redrive`, commit: true },
      async (_partition, message) => {
        const headers = headersToStrings(message.headers);
        const topic = headers[DlqHeaders.originalTopic];
        if (!topic) return; // not a dead letter written by this library
        if (group !== undefined && headers[DlqHeaders.consumerGroup] !== group) return;
        const source = `${topic}/${headers[DlqHeaders.originalPartition]}/${headers[DlqHeaders.originalOffset]}`;
        if (sent.has(source)) return;
        sent.add(source);
        const original = Object.fromEntries(
          Object.entries(headers).filter(([name]) => !name.startsWith('dlq-')),
        );
        await producer.send({
          topic,
          acks: -1,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: { ...original, [DlqHeaders.redrivenAt]: new Date().toISOString() },
            },
          ],
        });
      },
    );
  } finally {
    await producer.disconnect();
  }
  return sent.size;
}
