import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import { eventually, stack, uniqueName } from '@orderflow/testing';
import { startNotifications } from './app.js';
import type { NotificationsDb } from './infra/database.js';
import { sinkMessageIdCounts } from './test-support/mail.js';
import { OrdersPlayer } from './test-support/play-orders.js';
import { seedPendingNotifications } from './test-support/seed-notifications.js';

const count = 300;

/**
 * The service in-process with its real sender (leader, pooled SMTP to the stack's
 * sink, 8 e-mails in flight) and relay (to Kafka). A backlog of PENDING rows, as the
 * consumer leaves them after a burst of order outcomes, must drain exactly once.
 */
describe('notifications service draining a backlog concurrently', () => {
  const prefix = `${uniqueName('notifications-burst')}.`;
  const orders = new OrdersPlayer(prefix);
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest(
      'notifications',
      startNotifications,
      {
        SMTP_URL: stack.endpoints.smtpUrl,
        MAIL_FROM: 'orderflow <orders@orderflow.test>',
        NOTIFY_EMAIL_DOMAIN: 'int.orderflow.test',
        NOTIFICATION_POLL_MS: 200,
        NOTIFICATION_RETRY_MAX_MS: 500,
        NOTIFICATION_SEND_CONCURRENCY: 8,
        NOTIFICATION_BATCH_SIZE: 100,
        SMTP_POOL_MAX_CONNECTIONS: 4,
        SMTP_POOL_MAX_MESSAGES: 50,
      },
      prefix,
    );
    await orders.start();
  });

  afterAll(async () => {
    await orders.stop();
    await service?.stop();
  });

  it(`delivers ${count} e-mails exactly once each, with one NotificationSent per row`, async () => {
    const db = service.database.db as NotificationsDb;
    const seeded = await seedPendingNotifications(db, count);
    const orderIds = seeded.map((s) => s.orderId);

    await eventually(async () => {
      const pending = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'PENDING')
        .executeTakeFirstOrThrow();
      expect(Number(pending.n)).toBe(0);
    }, 45_000);
    const rows = await db.selectFrom('notifications').selectAll().execute();
    expect(rows).toHaveLength(count);
    expect(rows.filter((r) => r.status === 'SENT' && r.attempts === 1)).toHaveLength(count);

    // In the sink: every Message-ID exactly once (no e-mail lost, none sent twice).
    const inSink = await sinkMessageIdCounts();
    expect(seeded.filter((s) => inSink.get(s.messageId) !== 1)).toEqual([]);

    // On Kafka, through the outbox and the relay: exactly one NotificationSent per order.
    // (The outbox rows themselves are deleted once relayed; notification-sender.int.spec
    // counts them before any relay runs.)
    await eventually(
      () => expect(orderIds.filter((id) => orders.notificationsSent(id).length === 0)).toEqual([]),
      30_000,
    );
    expect(orderIds.filter((id) => orders.notificationsSent(id).length !== 1)).toEqual([]);

    // Marked SENT in groups, not one transaction per e-mail: rows of a group share sent_at.
    const groups = new Set(rows.map((r) => r.sent_at?.getTime()));
    expect(groups.size).toBeLessThan(count / 2);
  });
});
