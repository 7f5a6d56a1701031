import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createTopics, eventually, testKafka, uniqueName } from '@orderflow/testing';
import { lockKey } from '../lock-key.js';
import {
  idCounts,
  messagingDatabase,
  outboxMessage,
  recordTopics,
} from '../test-support/fixtures.js';
import { enqueue } from './enqueue.js';
import { OutboxRelay } from './relay.js';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const stackCli = (...args: string[]) =>
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'tools/stack/src/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });

describe('outbox relay across a Kafka outage', () => {
  it('loses nothing written while Kafka is down and drains the backlog once it is back', async () => {
    const database = await messagingDatabase('outage');
    const kafka = testKafka();
    const topic = uniqueName('relay.outage');
    await createTopics(kafka, [topic]);
    const registry = new Registry();
    const relay = new OutboxRelay({
      db: database.db,
      connection: { connectionString: database.url },
      kafka,
      service: uniqueName('svc'),
      registry,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const ids: string[] = [];
    const keys: string[] = [];
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const key = `order-${i % 5}`;
        const message = outboxMessage(topic, key, { i });
        await database.db.transaction().execute(async (trx) => {
          await lockKey(trx, key);
          await enqueue(trx, [message]);
        });
        ids.push(message.headers.ce_id);
        keys.push(key);
      }
    };
    const backlog = async () =>
      (await registry.getSingleMetric('outbox_backlog_messages')!.get()).values[0]?.value;

    relay.start();
    try {
      await write(20);
      await eventually(async () => expect(await backlog()).toBe(0), 30_000);
      try {
        stackCli('down', 'kafka');
        // Writes go on for ~30 s while the broker is away; they pile up in the outbox.
        const until = Date.now() + 30_000;
        while (Date.now() < until) {
          await write(10);
          await sleep(1_000);
        }
        expect(await backlog()).toBeGreaterThan(0);
      } finally {
        stackCli('up', 'kafka');
      }
      await write(20);
      await eventually(async () => expect(await backlog()).toBe(0), 120_000, 500);
    } finally {
      await relay.stop();
    }

    const recorder = await recordTopics(kafka, [topic]);
    try {
      await eventually(
        () => expect(new Set(idCounts(recorder.records).keys()).size).toBe(ids.length),
        60_000,
      );
    } finally {
      await recorder.stop();
      await database.drop();
    }
    expect([...idCounts(recorder.records).keys()].sort()).toEqual([...ids].sort());
    // Per key, first appearances follow write order (a failed batch may be re-sent whole).
    const firstSeen = new Map<string, string[]>();
    for (const r of recorder.records) {
      const list = firstSeen.get(r.key!) ?? [];
      if (!list.includes(r.headers.ce_id!)) list.push(r.headers.ce_id!);
      firstSeen.set(r.key!, list);
    }
    for (const [key, seen] of firstSeen) {
      const written = ids.filter((_, i) => keys[i] === key);
      expect(seen).toEqual(written);
    }
  });
});
