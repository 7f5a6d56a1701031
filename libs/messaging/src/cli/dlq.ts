#!/usr/bin/env node
/**
 * npm run dlq -- inspect <topic> [--json]
 * npm run dlq -- redrive <topic> [--group <consumer group>]
 *
 * <topic> is a dead-letter topic (`orders.events.dlq`) or the topic whose dead letters
 * to read (`orders.events`, meaning `orders.events.dlq`). Brokers come from
 * KAFKA_BROKERS (comma-separated), defaulting to the local stack.
 */
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import { inspectDeadLetters, redriveDeadLetters } from '../dlq/dead-letters.js';
import { bySourceRecord, formatSourceRecord } from './dead-letter-report.js';

const usage = `usage: npm run dlq -- <inspect|redrive> <topic> [options]

  inspect   print the dead letters, one line per source record with the consumer
            groups that gave up on it and why; moves nothing (--json: every letter)
  redrive   re-produce the dead letters not redriven yet to their original topics,
            each source record once; --group <name>: only that consumer group's letters

<topic> is the dead-letter topic (orders.events.dlq) or its source (orders.events).
Every consumer group of the source topic sees a redriven record; those that handled
it already skip it by its ce_id.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { group: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [command, named, ...extra] = positionals;
  if (!named || extra.length > 0 || (command !== 'inspect' && command !== 'redrive'))
    throw new UsageError(usage);
  if (values.group !== undefined && command !== 'redrive')
    throw new UsageError(`--group is for redrive\n\n${usage}`);
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
  const kafka = new KafkaClient({ clientId: 'orderflow-dlq', brokers, logLevel: logLevel.WARN });
  const topic = await deadLetterTopic(kafka, named);

  if (command === 'redrive') {
    const count = await redriveDeadLetters(kafka, topic, { group: values.group });
    const whose = values.group ? ` (the letters of ${values.group})` : '';
    console.log(`redrove ${count} record(s) from ${topic}${whose}`);
    return 0;
  }
  const letters = await inspectDeadLetters(kafka, topic);
  if (values.json) {
    console.log(
      JSON.stringify(letters.map(({ value, ...l }) => ({ ...l, valueBytes: value?.length ?? 0 }))),
    );
    return 0;
  }
  const records = bySourceRecord(letters);
  for (const record of records) console.log(formatSourceRecord(record));
  console.log(`${letters.length} dead letter(s) of ${records.length} record(s) in ${topic}`);
  return 0;
}

/** The dead-letter topic meant by `name`, refusing one that does not exist. */
async function deadLetterTopic(kafka: Kafka, name: string): Promise<string> {
  const topic = name.endsWith('.dlq') ? name : `${name}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (topics.includes(topic)) return topic;
    // A shared cluster has many: those of the same topic under a prefix, else the ones
    // with the shortest names (without a prefix), at most five.
    const dots = (t: string) => t.split('.').length;
    const known = topics
      .filter((t) => t.endsWith('.dlq'))
      .sort((a, b) => dots(a) - dots(b) || a.localeCompare(b));
    const alike = known.filter((t) => t.endsWith(`.${topic}`));
    const shown = (alike.length ? alike : known).slice(0, 5);
    throw new UsageError(
      `there is no dead-letter topic ${topic}` +
        (shown.length ? `; there are ${shown.join(', ')}` : '') +
        (known.length > shown.length ? ` (${known.length} dead-letter topics in all)` : ''),
    );
  } finally {
    await admin.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`dlq: ${(error as Error).message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
