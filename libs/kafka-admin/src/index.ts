import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';

/**
 * Creates the topics a service needs if they do not exist, and waits until every
 * partition has a leader. Brokers have topic auto-creation off, so a typo fails
 * loudly instead of creating a topic. Services starting together race to create the
 * same topics: whoever loses must still wait for the winner's leaders, or its
 * consumer's first metadata request fails. kafkajs' own `waitForLeaders` gives up on
 * a broker that does not know the topic yet (freshly started), hence the wait below.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  numPartitions: number,
  /** -1: the broker's default.replication.factor. */
  replicationFactor = -1,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const toCreate = topics.filter((t) => !existing.has(t));
    let creation: unknown;
    if (toCreate.length > 0) {
      await admin
        .createTopics({
          topics: toCreate.map((topic) => ({ topic, numPartitions, replicationFactor })),
          waitForLeaders: false,
        })
        // Another service may have created them meanwhile: the wait below decides.
        .catch((error: unknown) => (creation = error));
    }
    await waitForLeaders(admin, topics).catch((error: unknown) => {
      throw creation ?? error;
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until a broker answers a metadata request: for a service starting while Kafka
 * is still starting or restarting, which then costs it a wait, not its process.
 * `onWait` is called now and then with the last error.
 */
export async function waitForKafka(
  kafka: Kafka,
  options: { timeoutMs: number; onWait?: (error: unknown) => void; everyMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let reported = 0;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `Kafka did not answer within ${options.timeoutMs / 1000}s: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (Date.now() - reported >= (options.everyMs ?? 10_000)) {
        options.onWait?.(error);
        reported = Date.now();
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(1_000);
  }
}

/**
 * Waits until every topic exists and each partition has a leader: for a service whose
 * topics someone else creates (a Helm job, an operator), so that it starts consuming
 * once they are there instead of failing on the first metadata request. `onWait` is
 * called now and then with the topics still missing.
 */
export async function waitForTopics(
  kafka: Kafka,
  topics: readonly string[],
  options: { timeoutMs: number; onWait?: (missing: string[]) => void; everyMs?: number },
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + options.timeoutMs;
    let reported = 0;
    for (;;) {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `topics still missing after ${options.timeoutMs / 1000}s: ${missing.join(', ')}`,
        );
      }
      if (Date.now() - reported >= (options.everyMs ?? 10_000)) {
        options.onWait?.(missing);
        reported = Date.now();
      }
      await sleep(1_000);
    }
    await waitForLeaders(admin, topics, Math.max(deadline - Date.now(), 30_000));
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (
        metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without leaders after ${timeoutMs / 1000}s: ${topics.join(', ')}`);
    await sleep(200);
  }
}
