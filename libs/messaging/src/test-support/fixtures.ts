import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { TestDatabase } from '@orderflow/testing';
import { createTestDatabase, eventually, stack } from '@orderflow/testing';
import { Headers, headersToStrings } from '../headers.js';
import { migrateMessaging } from '../migrations.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import type { MessagingTables } from '../types.js';

/** A fresh database with the messaging tables. */
export async function messagingDatabase<DB extends MessagingTables = MessagingTables>(
  prefix = 'messaging',
): Promise<TestDatabase<DB>> {
  const database = await createTestDatabase<DB>(prefix);
  await migrateMessaging(database.db);
  return database;
}

export function outboxMessage(
  topic: string,
  key: string,
  body: unknown,
  id: string = randomUUID(),
) {
  return {
    topic,
    key,
    value: Buffer.from(JSON.stringify(body)),
    headers: { [Headers.id]: id, [Headers.type]: 'Tested', [Headers.subject]: key },
  } satisfies OutboxMessage;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Reads the topics from the beginning into `records` until `stop()`. */
export async function recordTopics(kafka: Kafka, topics: string[]) {
  const records: ConsumedRecord[] = [];
  const consumer = kafka.consumer({ groupId: `recorder-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value: message.value?.toString('utf8') ?? null,
        headers: headersToStrings(message.headers),
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** Counts of each `ce_id` seen. */
export function idCounts(records: readonly ConsumedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    const id = r.headers[Headers.id] ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const relayScript = path.join(__dirname, 'relay-process.ts');
const workspaceRoot = path.resolve(__dirname, '..', '..', '..', '..');

export interface RelayProcess {
  pid: number;
  /** Every JSON status line the process printed. */
  statuses: { leader: boolean; published: number }[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
  latest(): { leader: boolean; published: number } | undefined;
}

/** An outbox relay in its own process, so that tests can kill it for real. */
export function spawnRelay(
  databaseUrl: string,
  service: string,
  crashPoint?: 'before-send' | 'after-send',
): RelayProcess {
  const { child, exited, kill } = spawnScript(relayScript, databaseUrl, {
    RELAY_SERVICE: service,
    RELAY_CRASH_POINT: crashPoint ?? '',
  });
  const statuses: RelayProcess['statuses'] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) statuses.push(JSON.parse(line) as RelayProcess['statuses'][number]);
    }
  });
  return { pid: child.pid ?? -1, statuses, exited, kill, latest: () => statuses.at(-1) };
}

export { eventually };

const consumerScript = path.join(__dirname, 'consumer-process.ts');

/** A MessageConsumer in its own process (consumer-process.ts), so that tests can kill it. */
export function spawnConsumer(options: {
  databaseUrl: string;
  groupId: string;
  topic: string;
  instanceId: string;
  sessionTimeoutMs: number;
}): { exited: Promise<number | null>; kill(signal?: NodeJS.Signals): void } {
  const { exited, kill } = spawnScript(consumerScript, options.databaseUrl, {
    CONSUMER_GROUP: options.groupId,
    CONSUMER_TOPIC: options.topic,
    CONSUMER_INSTANCE: options.instanceId,
    CONSUMER_SESSION_MS: String(options.sessionTimeoutMs),
  });
  return { exited, kill };
}

/** One of these test-support scripts under tsx, on the stack's Kafka; stdout piped. */
function spawnScript(script: string, databaseUrl: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const kill = (signal: NodeJS.Signals = 'SIGKILL') => void child.kill(signal);
  return { child, exited, kill };
}
