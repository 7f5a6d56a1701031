import { randomUUID } from 'node:crypto';
import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import { eventually, stack, uniqueName } from '@orderflow/testing';
import type { Kysely } from 'kysely';
import { startNotifications } from './app.js';
import type { NotificationsDatabase } from './infra/database.js';
import { freePort, sinkMessages, startSmtpServer } from './test-support/mail.js';
import { OrdersPlayer, orderConfirmed, orderPlaced } from './test-support/play-orders.js';

const settings = {
  MAIL_FROM: 'orderflow <orders@orderflow.test>',
  NOTIFY_EMAIL_DOMAIN: 'int.orderflow.test',
  NOTIFICATION_POLL_MS: 200,
  NOTIFICATION_RETRY_MAX_MS: 500,
  NOTIFICATION_SEND_CONCURRENCY: 8,
  NOTIFICATION_BATCH_SIZE: 200,
  SMTP_POOL_MAX_CONNECTIONS: 4,
  SMTP_POOL_MAX_MESSAGES: 100,
};

interface NotificationView {
  status: string;
  attempts: number;
  lastError: string | null;
  messageId: string;
  sentAt: string | null;
  subject: string;
}

/**
 * The notifications service in-process against real Postgres, Kafka, the registry and
 * the stack's SMTP sink. The test plays orders: it produces orders.events and reads
 * notifications.events and the e-mails, filtered by its own order ids.
 */
describe('notifications service', () => {
  const prefix = `${uniqueName('notifications')}.`;
  const orders = new OrdersPlayer(prefix);
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest(
      'notifications',
      startNotifications,
      { ...settings, SMTP_URL: stack.endpoints.smtpUrl },
      prefix,
    );
    await orders.start();
  });

  afterAll(async () => {
    await orders.stop();
    await service?.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      headers: { authorization: service.authorization },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const notification = async (orderId: string, kind: string) =>
    (await get(`/notifications/${orderId}/${kind}`)).body as unknown as NotificationView;
  const messageId = (orderId: string, kind: string) => `${orderId}.${kind}@orderflow`;

  it('e-mails a confirmation once, with the stable Message-ID, and publishes NotificationSent', async () => {
    const placed = orderPlaced('c-Ada');
    const { orderId } = placed.data;
    const [, confirmedId] = await orders.send(
      { ...placed, correlationId: 'corr-confirm-1' },
      { ...orderConfirmed(orderId), correlationId: 'corr-confirm-1' },
    );

    const [mail] = await eventually(async () => {
      const found = await sinkMessages(messageId(orderId, 'ORDER_CONFIRMED'));
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail).toMatchObject({
      From: { Address: 'orders@orderflow.test' },
      To: [{ Address: 'c-ada@int.orderflow.test' }],
      Subject: `Your order ${orderId.split('-')[0]} is confirmed`,
    });
    expect(mail!.Text).toContain(orderId);
    expect(mail!.Text).toContain('Total: EUR 30.00');

    const [sent] = await eventually(() => {
      const found = orders.notificationsSent(orderId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(sent!.key).toBe(orderId);
    expect(sent!.event.data).toEqual({
      orderId,
      customerId: 'c-Ada',
      kind: 'ORDER_CONFIRMED',
      channel: 'EMAIL',
    });
    expect(sent!.headers).toMatchObject({
      type: 'orderflow.notifications.NotificationSent',
      source: '/orderflow/notifications',
      specVersion: '1.0',
      subject: orderId,
      correlationId: 'corr-confirm-1',
      causationId: confirmedId,
    });

    expect(await notification(orderId, 'ORDER_CONFIRMED')).toMatchObject({
      status: 'SENT',
      attempts: 1,
      lastError: null,
      messageId: `<${messageId(orderId, 'ORDER_CONFIRMED')}>`,
    });
    expect(Date.parse((await notification(orderId, 'ORDER_CONFIRMED')).sentAt ?? '')).not.toBeNaN();
    const list = await get(`/notifications?orderId=${orderId}`);
    expect(list.status).toBe(200);
    expect((list.body['items'] as { kind: string }[]).map((n) => n.kind)).toEqual([
      'ORDER_CONFIRMED',
    ]);
  });

  it('e-mails a cancellation once, giving the reason in words', async () => {
    const placed = orderPlaced('c-bob');
    const { orderId } = placed.data;
    await orders.send(
      { ...placed, correlationId: 'corr-cancel-1' },
      {
        type: 'OrderCancelled',
        data: { orderId, reason: 'OUT_OF_STOCK', detail: 'SKU-2', cancelledAt: new Date() },
        correlationId: 'corr-cancel-1',
      },
    );
    const [mail] = await eventually(async () => {
      const found = await sinkMessages(messageId(orderId, 'ORDER_CANCELLED'));
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail!.To).toEqual([{ Address: 'c-bob@int.orderflow.test' }]);
    expect(mail!.Subject).toBe(`Your order ${orderId.split('-')[0]} was cancelled (out of stock)`);
    expect(mail!.Text).toContain('cancelled because some of the items are out of stock');
    const [sent] = await eventually(() => {
      const found = orders.notificationsSent(orderId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(sent!.event.data).toMatchObject({ kind: 'ORDER_CANCELLED', channel: 'EMAIL' });
  });

  it('sends one e-mail however often the outcome arrives: redelivered (same ce_id) or repeated (new id)', async () => {
    const placed = orderPlaced('c-dup');
    const { orderId } = placed.data;
    const confirmed = { ...orderConfirmed(orderId), correlationId: 'corr-dup' };
    const [, firstId] = await orders.send({ ...placed, correlationId: 'corr-dup' }, confirmed);
    const first = await eventually(async () => {
      const view = await notification(orderId, 'ORDER_CONFIRMED');
      expect(view.status).toBe('SENT');
      return view;
    });

    // The same event again, then another OrderConfirmed for the order: same key, same
    // partition, so once the second one is in the inbox the first was processed too.
    const [, repeatedId] = await orders.send({ ...confirmed, id: firstId! }, confirmed);
    const db = service.database.db as Kysely<NotificationsDatabase>;
    await eventually(async () => {
      const seen = await db
        .selectFrom('inbox')
        .select('message_id')
        .where('message_id', 'in', [firstId!, repeatedId!])
        .execute();
      expect(seen).toHaveLength(2);
    });
    // A barrier for the sender: it picks due rows oldest first, so once a later order's
    // e-mail is out, it has made a pass after this order's row was marked SENT.
    const later = orderPlaced('c-later');
    await orders.send(
      { ...later, correlationId: 'corr-later' },
      { ...orderConfirmed(later.data.orderId), correlationId: 'corr-later' },
    );
    await eventually(async () =>
      expect(await notification(later.data.orderId, 'ORDER_CONFIRMED')).toMatchObject({
        status: 'SENT',
      }),
    );
    await eventually(() => expect(orders.notificationsSent(orderId)).toHaveLength(1));

    expect(await sinkMessages(messageId(orderId, 'ORDER_CONFIRMED'))).toHaveLength(1);
    const rows = await db
      .selectFrom('notifications')
      .selectAll()
      .where('order_id', '=', orderId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await notification(orderId, 'ORDER_CONFIRMED')).toEqual(first);
    expect(orders.notificationsSent(orderId)).toHaveLength(1);
    // Absorbed, not failed: neither the redelivery nor the repeat was dead-lettered.
    expect(orders.deadLetters.filter((d) => d.key === orderId)).toEqual([]);
  });

  it('dead-letters an outcome for an order it never saw placed, and notifies no one', async () => {
    const orderId = randomUUID();
    const [id] = await orders.send({ ...orderConfirmed(orderId), correlationId: 'corr-orphan' });
    const [letter] = await eventually(() => {
      const found = orders.deadLetters.filter((d) => d.key === orderId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(letter!.headers).toMatchObject({
      ce_id: id,
      'dlq-error-class': 'NonRetriableError',
      'dlq-consumer-group': `${prefix}notifications`,
    });
    expect(letter!.headers['dlq-reason']).toContain('OrderPlaced was never seen');
    expect((await get(`/notifications?orderId=${orderId}`)).body).toEqual({ items: [] });
    expect(await sinkMessages(messageId(orderId, 'ORDER_CONFIRMED'))).toEqual([]);
  });

  it('validates the read endpoints’ parameters and answers 404 for an unknown notification', async () => {
    const bad = await get('/notifications?orderId=not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([expect.objectContaining({ field: '/orderId' })]);
    expect((await get('/notifications')).status).toBe(400);
    expect((await get(`/notifications/${randomUUID()}/ORDER_SHIPPED`)).status).toBe(400);
    expect((await get(`/notifications/${randomUUID()}/ORDER_CONFIRMED`)).status).toBe(404);
  });
});

/**
 * A second instance whose SMTP server is not there yet: a port nothing listens on,
 * where the test later starts an SMTP server of its own (the shared sink is never
 * touched). Own topic prefix and database, so it shares nothing with the one above.
 */
describe('notifications service while SMTP is unreachable', () => {
  const prefix = `${uniqueName('notifications-smtp')}.`;
  const orders = new OrdersPlayer(prefix);
  let service: RunningService;
  let port: number;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;

  beforeAll(async () => {
    port = await freePort();
    service = await startServiceForTest(
      'notifications',
      startNotifications,
      { ...settings, SMTP_URL: `smtp://127.0.0.1:${port}` },
      prefix,
    );
    await orders.start();
  });

  afterAll(async () => {
    await orders.stop();
    await service?.stop();
    await smtp?.close();
  });

  it('keeps the notification PENDING with its attempts and error, then sends it exactly once when SMTP is back', async () => {
    // Not exercised here: a crash after SMTP accepted the e-mail and before the row is
    // marked SENT. That re-sends the e-mail once, with the same Message-ID (the
    // at-least-once edge, documented on NotificationSender); NotificationSent stays single.
    const placed = orderPlaced('c-wait');
    const { orderId } = placed.data;
    await orders.send(
      { ...placed, correlationId: 'corr-wait' },
      { ...orderConfirmed(orderId), correlationId: 'corr-wait' },
    );
    const url = `${service.baseUrl}/notifications/${orderId}/ORDER_CONFIRMED`;
    const view = async () =>
      (await (
        await fetch(url, { headers: { authorization: service.authorization } })
      ).json()) as NotificationView;

    await eventually(async () => {
      const pending = await view();
      expect(pending.status).toBe('PENDING');
      expect(pending.attempts).toBeGreaterThanOrEqual(2); // retried, not given up
      expect(pending.lastError).toMatch(/ECONNREFUSED/);
    });
    expect(orders.notificationsSent(orderId)).toEqual([]);

    smtp = await startSmtpServer(port);
    const sent = await eventually(async () => {
      const now = await view();
      expect(now.status).toBe('SENT');
      return now;
    });
    expect(sent.attempts).toBeGreaterThanOrEqual(3);
    expect(sent.lastError).toBeNull();

    // Barrier (see above): a later order sent means the sender made a pass after this
    // row was marked SENT, and it did not pick it up again.
    const later = orderPlaced('c-later');
    await orders.send(
      { ...later, correlationId: 'corr-later' },
      { ...orderConfirmed(later.data.orderId), correlationId: 'corr-later' },
    );
    await eventually(() =>
      expect(smtp!.received.map((m) => m.messageId)).toContain(
        `<${later.data.orderId}.ORDER_CONFIRMED@orderflow>`,
      ),
    );
    expect(smtp.received.filter((m) => m.messageId.includes(orderId))).toEqual([
      {
        messageId: `<${orderId}.ORDER_CONFIRMED@orderflow>`,
        to: ['c-wait@int.orderflow.test'],
        subject: sent.subject,
      },
    ]);
    await eventually(() => expect(orders.notificationsSent(orderId)).toHaveLength(1));
    expect(orders.notificationsSent(orderId)[0]!.headers.correlationId).toBe('corr-wait');
  });
});
