import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { run } from '../infra/run.js';
import type { StackEndpoints } from '../infra/stack.js';
import type { Log } from '../log.js';
import type { OutboxRecord } from './outbox.js';

/**
 * The raw producer on the relay's records: kafkajs configured as
 * libs/messaging/src/producer.ts configures it (idempotent, one request in flight,
 * murmur2 partitioner, acks=all per send), sendBatch per `batch` records like a relay
 * pass. Returns records/s.
 */
export async function rawProducerRate(
  kafka: Kafka,
  records: readonly OutboxRecord[],
  batch: number,
): Promise<number> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const started = Date.now();
    for (let i = 0; i < records.length; i += batch) {
      const byTopic = new Map<
        string,
        { key: string; value: Buffer; headers: Record<string, string> }[]
      >();
      for (const r of records.slice(i, i + batch)) {
        const list = byTopic.get(r.topic) ?? [];
        list.push({ key: r.key, value: r.value, headers: r.headers });
        byTopic.set(r.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
    return records.length / Math.max(0.001, (Date.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}

const kafkaVersion = '3.9.1';

/**
 * Kafka's own ProducerPerformance (org.apache.kafka.tools, from kafka-tools, which the
 * broker's classpath lacks): downloaded once into the cache with Maven, like the stack
 * downloads Kafka (tools/bench/maven/kafka-tools-pom.xml). Undefined when Java or
 * Maven is missing.
 */
export async function kafkaToolsClasspath(
  stack: StackEndpoints,
  benchRoot: string,
  log: Log,
): Promise<string | undefined> {
  const hasTools = (dir: string) =>
    existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(`kafka-tools-${kafkaVersion}`));
  // The broker's own classpath first: a Kafka distribution ships the tools.
  const broker = path.join(stack.cacheDir, `kafka-${kafkaVersion}`, 'libs');
  if (hasTools(broker)) return `${broker}/*`;
  const libs = path.join(stack.cacheDir, `kafka-tools-${kafkaVersion}`, 'libs');
  const present = () => hasTools(libs);
  if (!present()) {
    log(`downloading org.apache.kafka:kafka-tools:${kafkaVersion} into ${libs} (once)`);
    try {
      await run('mvn', [
        '-B',
        '-q',
        '-f',
        path.join(benchRoot, 'tools', 'bench', 'maven', 'kafka-tools-pom.xml'),
        `-Dkafka.version=${kafkaVersion}`,
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libs}`,
      ]);
    } catch (error) {
      log(`  could not download kafka-tools: ${String(error).slice(0, 300)}`);
      return undefined;
    }
  }
  return present() ? `${libs}/*` : undefined;
}

/** ProducerPerformance with acks=all and idempotence, no throttle; records/s. */
export async function producerPerformanceRate(
  classpath: string,
  stack: StackEndpoints,
  topic: string,
  records: number,
  recordSize: number,
): Promise<number | undefined> {
  const output = await run('java', [
    '-Xmx512m',
    '-cp',
    classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${stack.kafkaBrokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
  ]);
  return parseProducerPerformance(output);
}

/** "50000 records sent, 81566.1 records/sec (…)" — the summary line, the last of its kind. */
export function parseProducerPerformance(output: string): number | undefined {
  const matches = [...output.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)];
  const last = matches.at(-1);
  return last?.[2] === undefined ? undefined : Number(last[2]);
}
