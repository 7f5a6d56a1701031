#!/usr/bin/env node
/**
 * npm run dlq -- inspect <dlq topic>
 * npm run dlq -- redrive <dlq topic>
 *
 * Brokers come from KAFKA_BROKERS (comma-separated), defaulting to the local stack.
 */
import { Kafka, logLevel } from 'kafkajs';
import { inspectDeadLetters, redriveDeadLetters } from '../dlq/dead-letters.js';

const usage = `usage: npm run dlq -- <inspect|redrive> <dlq topic>

  inspect   print every dead letter with its reason and origin; moves nothing
  redrive   re-produce the dead letters not redriven yet to their original topics`;

async function main([command, topic]: string[]): Promise<number> {
  if (!topic || (command !== 'inspect' && command !== 'redrive')) {
    console.error(usage);
    return 1;
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
  const kafka = new Kafka({ clientId: 'orderflow-dlq', brokers, logLevel: logLevel.WARN });
  if (command === 'redrive') {
    const count = await redriveDeadLetters(kafka, topic);
    console.log(`redrove ${count} record(s) from ${topic}`);
    return 0;
  }
  const letters = await inspectDeadLetters(kafka, topic);
  for (const l of letters) {
    console.log(
      [
        `${topic}[${l.partition}]@${l.offset}`,
        `key=${l.key ?? '-'}`,
        `id=${l.headers.ce_id ?? '-'}`,
        `from=${l.originalTopic ?? '?'}[${l.originalPartition ?? '?'}]@${l.originalOffset ?? '?'}`,
        `group=${l.consumerGroup ?? '?'}`,
        `attempts=${l.attempts ?? '?'}`,
        `at=${l.failedAt ?? '?'}`,
        `${l.errorClass ?? 'Error'}: ${l.reason ?? ''}`,
      ].join('  '),
    );
  }
  console.log(`${letters.length} dead letter(s) in ${topic}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
