import { migrateMessaging } from '@orderflow/messaging';
import type { ServiceContext, ServiceParts } from '@orderflow/platform';
import { createMessaging, migrateToLatest } from '@orderflow/platform';
import type { NotificationsConfig } from './config.js';
import { NotificationSender } from './features/notification-sender.js';
import { lockKeysFor, orderOutcomes } from './features/record-order-outcomes.js';
import { notificationsRoutes } from './http/routes.js';
import type { NotificationsDatabase, NotificationsDb } from './infra/database.js';
import { smtpTransport } from './infra/mail-transport.js';
import { notificationsMigrations } from './infra/migrations.js';

/**
 * Wires notifications: migrations, the relay, the consumer of orders.events (which
 * turns outcomes into PENDING rows), the SMTP sender and the read API.
 */
export async function startNotifications(
  config: NotificationsConfig,
  context: ServiceContext<NotificationsDatabase>,
): Promise<ServiceParts> {
  await context.migrate(async (owner) => {
    await migrateMessaging(owner);
    await migrateToLatest(owner, notificationsMigrations);
  });
  const db: NotificationsDb = context.db;
  const messaging = await createMessaging('notifications', ['orders'], config, context);
  const outcomes = orderOutcomes(config.NOTIFY_EMAIL_DOMAIN);
  const running = await messaging.start(outcomes.handle, lockKeysFor, {
    prepareBatch: outcomes.prepareBatch,
  });
  const sender = new NotificationSender({
    db,
    connection: {
      connectionString: config.DATABASE_URL,
      application_name: 'notifications-sender',
    },
    publisher: messaging.publisher,
    transport: smtpTransport({
      url: config.SMTP_URL,
      maxConnections: config.SMTP_POOL_MAX_CONNECTIONS,
      maxMessages: config.SMTP_POOL_MAX_MESSAGES,
    }),
    from: config.MAIL_FROM,
    logger: context.logger,
    registry: context.metrics,
    pollMs: config.NOTIFICATION_POLL_MS,
    retryMaxMs: config.NOTIFICATION_RETRY_MAX_MS,
    concurrency: config.NOTIFICATION_SEND_CONCURRENCY,
    batchSize: config.NOTIFICATION_BATCH_SIZE,
  });
  sender.start();
  return {
    routes: notificationsRoutes(db),
    readiness: running.readiness,
    // Closed in reverse: the sender stops first, then the consumer, then the relay,
    // which publishes the NotificationSent of the last e-mail if it can.
    closers: [...running.closers, { name: 'notification sender', close: () => sender.stop() }],
  };
}
