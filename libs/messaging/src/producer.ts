import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/**
 * The one way this library produces: idempotent, acks=all (set per send), one request
 * in flight so that order per partition survives retries, the Java client's murmur2
 * partitioner so the same key lands on the same partition whichever client produced
 * it, and no topic auto-creation.
 */
export async function connectOrderedProducer(
  kafka: Kafka,
  overrides: Partial<ProducerConfig> = {},
): Promise<Producer> {
  const producer = kafka.producer({
    ...overrides,
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}
