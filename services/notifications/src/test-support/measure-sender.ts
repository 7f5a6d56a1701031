/**
 * How many e-mails per second the sender delivers: seeds N PENDING rows into a fresh
 * notifications database on the stack's Postgres, runs the real NotificationSender
 * (leader loop, SMTP transport, SENT + NotificationSent transactions) until none is
 * PENDING, prints the rate and drops the database. Loopback only; no Kafka needed.
 *
 *   npx tsx --tsconfig services/notifications/tsconfig.json \
 *     services/notifications/src/test-support/measure-sender.ts [count] [smtpUrl]
 *
 * (`--tsconfig` gives tsx the workspace's path aliases.) The default SMTP URL is the
 * stack's mail sink.
 *
 * SEND_CONCURRENCY, BATCH_SIZE, SMTP_POOL_MAX_CONNECTIONS and SMTP_POOL_MAX_MESSAGES
 * override the service's defaults.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EventSerde } from '@orderflow/events';
import { migrateMessaging } from '@orderflow/messaging';
import { EventPublisher, createLogger, migrateToLatest, prefixedTopics } from '@orderflow/platform';
import { createTestDatabase, stack, uniqueName } from '@orderflow/testing';
import { Registry } from 'prom-client';
import { NotificationSender } from '../features/notification-sender.js';
import type { NotificationsDb } from '../infra/database.js';
import { smtpTransport } from '../infra/mail-transport.js';
import { notificationsMigrations } from '../infra/migrations.js';
import { seedPendingNotifications } from './seed-notifications.js';

const count = Number(process.argv[2] ?? 2_000);
const smtpUrl = process.argv[3] ?? stack.endpoints.smtpUrl;
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function pendingCount(db: NotificationsDb): Promise<number> {
  const { n } = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'PENDING')
    .executeTakeFirstOrThrow();
  return Number(n);
}

async function main(): Promise<void> {
  const database = await createTestDatabase('notifications_measure');
  try {
    await migrateMessaging(database.db);
    await migrateToLatest(database.db, notificationsMigrations);
    const db = database.db as NotificationsDb;
    const serde = new EventSerde({
      registryUrl: stack.endpoints.registryUrl,
      topics: prefixedTopics(`${uniqueName('measure')}.`),
    });
    await serde.registerAll();
    await seedPendingNotifications(db, count);
    const sender = new NotificationSender({
      db,
      connection: { connectionString: database.url, application_name: 'measure-sender' },
      publisher: new EventPublisher(serde, '/orderflow/notifications'),
      transport: smtpTransport({
        url: smtpUrl,
        maxConnections: setting('SMTP_POOL_MAX_CONNECTIONS', 4),
        maxMessages: setting('SMTP_POOL_MAX_MESSAGES', 100),
      }),
      from: 'orderflow <orders@orderflow.test>',
      logger: createLogger({ service: 'measure', level: 'warn' }),
      registry: new Registry(),
      pollMs: 1_000,
      retryMaxMs: 60_000,
      concurrency: setting('SEND_CONCURRENCY', 8),
      batchSize: setting('BATCH_SIZE', 200),
    });
    const started = performance.now();
    sender.start();
    while ((await pendingCount(db)) > 0) await sleep(20);
    const seconds = (performance.now() - started) / 1_000;
    await sender.stop();
    const { sent, groups } = await db
      .selectFrom('notifications')
      .select((eb) => [
        eb.fn.countAll<string>().as('sent'),
        eb.fn.count<string>('sent_at').distinct().as('groups'),
      ])
      .where('status', '=', 'SENT')
      .executeTakeFirstOrThrow();
    console.log(
      `${sent}/${count} e-mails SENT in ${seconds.toFixed(2)} s: ` +
        `${(count / seconds).toFixed(1)} e-mails/s, ${groups} SENT transactions, via ${smtpUrl}`,
    );
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
