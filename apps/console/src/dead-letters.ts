import type { Kafka } from 'kafkajs';
import { DlqHeaders, connectOrderedProducer, inspectDeadLetters } from '@orderflow/messaging';
import type { DeadLetter } from '@orderflow/messaging';

/** The topics whose dead letters an order can have (each `<topic>.dlq`). */
const sourceTopics = [
  'orders.events',
  'payments.events',
  'shipping.events',
  'notifications.events',
];

export interface OrderDeadLetter {
  topic: string;
  partition: number;
  offset: string;
  source: string;
  consumerGroup: string | undefined;
  errorClass: string | undefined;
  reason: string | undefined;
  failedAt: string | undefined;
  eventType: string | undefined;
}

/** Dead letters on Kafka, read like `npm run dlq` reads them: moving no offsets. */
export class DeadLetters {
  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
  ) {}

  async ofOrder(orderId: string): Promise<OrderDeadLetter[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
    const topics = sourceTopics.map((t) => `${this.prefix}${t}.dlq`).filter((t) => existing.has(t));
    const perTopic = await Promise.all(
      topics.map(async (topic) =>
        (await inspectDeadLetters(this.kafka, topic))
          .filter((l) => l.key === orderId)
          .map((l) => ({
            topic,
            partition: l.partition,
            offset: l.offset,
            source: `${l.originalTopic ?? '?'}[${l.originalPartition ?? '?'}]@${l.originalOffset ?? '?'}`,
            consumerGroup: l.consumerGroup,
            errorClass: l.errorClass,
            reason: l.reason,
            failedAt: l.failedAt,
            eventType: l.headers['ce_type'],
          })),
      ),
    );
    return perTopic.flat();
  }

  /**
   * Redrives the letters one consumer group wrote about one order (their key is the
   * order id), and no other order's: each source record once, to its original topic
   * with its original key, value and headers plus `dlq-redriven-at`, as `npm run dlq
   * -- redrive` does for a whole topic. It keeps no progress: a record redriven again
   * is skipped by the inboxes of the groups that have handled it since.
   */
  async redrive(topic: string, group: string, orderId: string): Promise<number> {
    const allowed = sourceTopics.map((t) => `${this.prefix}${t}.dlq`);
    if (!allowed.includes(topic)) throw new Error(`not a dead-letter topic: ${topic}`);
    const bySource = new Map<string, DeadLetter & { originalTopic: string }>();
    for (const letter of await inspectDeadLetters(this.kafka, topic)) {
      const { originalTopic } = letter;
      if (letter.key !== orderId || letter.consumerGroup !== group || !originalTopic) continue;
      const source = `${originalTopic}/${letter.originalPartition}/${letter.originalOffset}`;
      if (!bySource.has(source)) bySource.set(source, { ...letter, originalTopic });
    }
    if (bySource.size === 0) return 0;
    const producer = await connectOrderedProducer(this.kafka);
    try {
      const redrivenAt = new Date().toISOString();
      for (const letter of bySource.values()) {
        const original = Object.fromEntries(
          Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq-')),
        );
        await producer.send({
          topic: letter.originalTopic,
          acks: -1,
          messages: [
            {
              key: letter.key,
              value: letter.value,
              headers: { ...original, [DlqHeaders.redrivenAt]: redrivenAt },
            },
          ],
        });
      }
    } finally {
      await producer.disconnect();
    }
    return bySource.size;
  }
}
