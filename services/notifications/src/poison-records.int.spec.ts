import { describePoisonSuite, startServiceForTest } from '@orderflow/platform/testing';
import { stack } from '@orderflow/testing';
import { startNotifications } from './app.js';
import { orderPlaced } from './test-support/play-orders.js';

/**
 * Notifications reads orders events with its real consumer: a record that is not an
 * event, or not an event of orders.events (a PaymentAuthorized, say), is dead-lettered
 * and notifies no one: no contact, no notification row.
 */
describePoisonSuite({
  service: 'notifications',
  start: (prefix) =>
    startServiceForTest(
      'notifications',
      startNotifications,
      {
        MAIL_FROM: 'orderflow <orders@orderflow.test>',
        NOTIFY_EMAIL_DOMAIN: 'poison.orderflow.test',
        NOTIFICATION_POLL_MS: 1_000,
        NOTIFICATION_RETRY_MAX_MS: 1_000,
        NOTIFICATION_SEND_CONCURRENCY: 1,
        NOTIFICATION_BATCH_SIZE: 10,
        SMTP_POOL_MAX_CONNECTIONS: 1,
        SMTP_POOL_MAX_MESSAGES: 10,
        SMTP_URL: stack.endpoints.smtpUrl,
      },
      prefix,
    ),
  topics: {
    orders: {
      own: (orderId) => orderPlaced('c-poison', orderId),
      foreign: (orderId) => ({
        type: 'PaymentAuthorized',
        data: {
          orderId,
          paymentId: 'p-stray',
          customerId: 'c-poison',
          amount: { amountMinor: 3000, currency: 'EUR' },
        },
      }),
    },
  },
});
