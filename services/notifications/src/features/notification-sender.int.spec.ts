import { SpanStatusCode, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { EventSerde } from '@orderflow/events';
import { migrateMessaging } from '@orderflow/messaging';
import { EventPublisher, createLogger, migrateToLatest, prefixedTopics } from '@orderflow/platform';
import type { TestDatabase } from '@orderflow/testing';
import { createTestDatabase, stack, uniqueName } from '@orderflow/testing';
import { Registry } from 'prom-client';
import type { NotificationsDb } from '../infra/database.js';
import { smtpTransport } from '../infra/mail-transport.js';
import { notificationsMigrations } from '../infra/migrations.js';
import { freePort, startSmtpServer } from '../test-support/mail.js';
import type { SeededNotification } from '../test-support/seed-notifications.js';
import { seedPendingNotifications } from '../test-support/seed-notifications.js';
import { NotificationSender } from './notification-sender.js';

/**
 * The sender alone, one pass at a time, against real Postgres, the registry and a real
 * SMTP server owned by the test that refuses some mailboxes (550 at RCPT TO) until the
 * test lets them through. The sender's clock stands still between passes, so what is
 * due does not depend on how long a pass takes on a busy machine.
 */
describe('NotificationSender with concurrent sends over a pooled transport', () => {
  let database: TestDatabase<unknown>;
  let db: NotificationsDb;
  let serde: EventSerde;
  let port: number;
  let refusing = true;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('test');

  beforeAll(async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    database = await createTestDatabase('notifications_sender');
    await migrateMessaging(database.db);
    await migrateToLatest(database.db, notificationsMigrations);
    db = database.db as NotificationsDb;
    serde = new EventSerde({
      registryUrl: stack.endpoints.registryUrl,
      topics: prefixedTopics(`${uniqueName('sender')}.`),
    });
    await serde.registerAll();
    port = await freePort();
    smtp = await startSmtpServer(port, (to) => refusing && to.startsWith('c-refused-'));
  });

  afterAll(async () => {
    propagation.disable();
    await smtp?.close();
    await database?.drop();
  });

  const rowsOf = async (seeded: SeededNotification[]) => {
    const rows = await db.selectFrom('notifications').selectAll().execute();
    return seeded.map((s) => rows.find((r) => r.order_id === s.orderId)!);
  };
  const metric = async (registry: Registry, name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.reduce((n, v) => n + v.value, 0);

  it('sends each accepted e-mail once with one NotificationSent in its trace, keeps the refused PENDING with a backoff, and re-sends those with the same Message-ID', async () => {
    const refused = (i: number) => i % 5 === 3; // 8 of 40
    const seeded = await seedPendingNotifications(db, 40, (i) =>
      refused(i) ? `c-refused-${i}` : `c-ok-${i}`,
    );
    const accepted = seeded.filter((_, i) => !refused(i));
    const rejected = seeded.filter((_, i) => refused(i));
    let now = new Date();
    const registry = new Registry();
    const transport = smtpTransport({
      url: `smtp://127.0.0.1:${port}`,
      maxConnections: 3,
      maxMessages: 10,
    });
    const sender = new NotificationSender({
      db,
      connection: { connectionString: database.url },
      publisher: new EventPublisher(serde, '/orderflow/notifications'),
      transport,
      from: 'orderflow <orders@orderflow.test>',
      logger: createLogger({ service: 'notifications', level: 'silent' }),
      registry,
      tracer,
      pollMs: 1_000,
      retryMaxMs: 60_000,
      concurrency: 6,
      batchSize: 200,
      clock: () => now,
      random: () => 0.5, // half-way jitter: the first backoff is 750 ms
    });

    try {
      expect(await sender.sendDue()).toBe(32);
      // Nothing is due right after: the accepted rows are SENT, the refused ones back off.
      expect(await sender.sendDue()).toBe(0);
      const firstAt = now;
      for (const row of await rowsOf(accepted)) {
        expect(row).toMatchObject({ status: 'SENT', attempts: 1, last_error: null });
        expect(row.sent_at).toEqual(firstAt);
      }
      for (const row of await rowsOf(rejected)) {
        expect(row).toMatchObject({ status: 'PENDING', attempts: 1, sent_at: null });
        expect(row.last_error).toMatch(/550/);
        expect(row.next_attempt_at).toEqual(new Date(firstAt.getTime() + 750));
      }
      expect(await metric(registry, 'notifications_sent_total')).toBe(32);
      expect(await metric(registry, 'notification_send_failures_total')).toBe(8);

      // The mailboxes come back and the backoff has passed: only the refused are re-sent.
      refusing = false;
      now = new Date(firstAt.getTime() + 1_000);
      expect(await sender.sendDue()).toBe(8);
      for (const row of await rowsOf(rejected)) {
        expect(row).toMatchObject({ status: 'SENT', attempts: 2, last_error: null });
      }
    } finally {
      transport.close();
    }

    // Each e-mail reached the server exactly once, with its stable Message-ID.
    const received = smtp.received.map((m) => m.messageId.replace(/^<|>$/g, '')).sort();
    expect(received).toEqual(seeded.map((s) => s.messageId).sort());

    // Exactly one NotificationSent per row, continuing the order's trace through the
    // `smtp send` span of the attempt that was accepted.
    const outbox = await db.selectFrom('outbox').selectAll().execute();
    expect(outbox.map((o) => o.key).sort()).toEqual(seeded.map((s) => s.orderId).sort());
    const spans = exporter.getFinishedSpans();
    for (const o of outbox) {
      const s = seeded.find((a) => a.orderId === o.key)!;
      expect(await serde.decode(o.value)).toMatchObject({
        type: 'NotificationSent',
        data: { orderId: s.orderId, customerId: s.customerId, kind: 'ORDER_CONFIRMED' },
      });
      expect(o.headers).toMatchObject({
        'correlation-id': `corr-${s.orderId}`,
        ce_type: 'orderflow.notifications.NotificationSent',
      });
      const [, traceId, spanId] = o.trace_context['traceparent']!.split('-');
      expect(traceId).toBe(s.traceId);
      const span = spans.find((sp) => sp.spanContext().spanId === spanId)!;
      expect(span.name).toBe('smtp send');
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(span.parentSpanContext?.spanId).toBe(s.parentSpanId);
    }
    // One span per attempt, each in its order's trace: 40 + the 8 re-sent.
    expect(spans).toHaveLength(48);
    for (const s of rejected) {
      const own = spans.filter((sp) => sp.spanContext().traceId === s.traceId);
      expect(own.map((sp) => sp.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    }
  });
});
