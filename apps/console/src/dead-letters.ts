import type { Kafka } from 'kafkajs';
import { inspectDeadLetters, redriveDeadLetters } from '@orderflow/messaging';

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

  /** Redrives one consumer group's dead letters of a topic (see `npm run dlq`). */
  redrive(topic: string, group: string): Promise<number> {
    const allowed = sourceTopics.map((t) => `${this.prefix}${t}.dlq`);
    if (!allowed.includes(topic)) throw new Error(`not a dead-letter topic: ${topic}`);
    return redriveDeadLetters(this.kafka, topic, { group });
  }
}
