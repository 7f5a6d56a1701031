import type { Tracer } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { EventPublisher, Logger } from '@orderflow/platform';
import type pg from 'pg';
import type { Counter, Registry } from 'prom-client';
import { retryDelayMs } from '../domain/notification.js';
import type { NotificationsDb } from '../infra/database.js';
import type { MailTransport } from '../infra/mail-transport.js';
import { LeaderLoop, restoreTraceContext } from '@orderflow/messaging';
import { SENDER_CHANNEL } from '../infra/sender-channel.js';
import { sendMetrics } from './sender-metrics.js';
import type { PendingNotification } from './deliver-notification.js';
import { dueNotifications, markSent, recordFailure } from './deliver-notification.js';

export interface NotificationSenderOptions {
  db: NotificationsDb;
  /** For the sender's dedicated connection (lock + LISTEN); never a pooler address. */
  connection: pg.ClientConfig;
  publisher: EventPublisher;
  transport: MailTransport;
  from: string;
  logger: Logger;
  registry: Registry;
  tracer?: Tracer;
  pollMs: number;
  retryMaxMs: number;
  batchSize?: number;
  lockRetryMs?: number;
  clock?: () => Date;
  random?: () => number;
}

/**
 * Sends PENDING notifications over SMTP. Only the leader (advisory lock on its own
 * connection) sends, one row at a time: hand the e-mail to SMTP, then mark the row SENT
 * and enqueue NotificationSent in one transaction. Wakes on NOTIFY from the consumer's
 * commit, with polling as the fallback. A failed attempt leaves the row PENDING with a
 * backoff; nothing is ever dropped.
 *
 * The remaining at-least-once edge: if the process dies after the SMTP server accepted
 * the e-mail and before the row is marked SENT, the next leader sends it again, with
 * the same Message-ID (`messageIdFor`), so the duplicate is recognisable as one message.
 * NotificationSent is still published exactly once, with the row marked SENT.
 */
export class NotificationSender {
  /** False once stopping: the pass in flight ends after the e-mail it is sending. */
  private running = false;
  private readonly loop: LeaderLoop;
  private readonly metrics: { sent: Counter<'kind'>; failures: Counter<'kind'> };
  private readonly tracer: Tracer;

  constructor(private readonly options: NotificationSenderOptions) {
    this.metrics = sendMetrics(options.registry);
    this.tracer = options.tracer ?? trace.getTracer('orderflow-notifications');
    const { logger } = options;
    this.loop = new LeaderLoop({
      connection: options.connection,
      lock: { role: 'orderflow.notification-sender', name: 'notifications' },
      channel: SENDER_CHANNEL,
      pollIntervalMs: options.pollMs,
      ...(options.lockRetryMs === undefined ? {} : { lockRetryMs: options.lockRetryMs }),
      work: () => this.sendDue(),
      // The database, not SMTP (those failures are per row): back off and go on.
      onPassFailed: (err, failures) =>
        logger.warn({ err, failures }, 'notification sender: pass failed'),
      onSessionFailed: (err) => logger.error({ err }, 'notification sender: session failed'),
      onLeadership: (leading) => {
        if (leading) logger.info('notification sender: leader');
      },
    });
  }

  start(): void {
    this.running = true;
    this.loop.start();
  }

  /** Finishes the e-mail in flight, releases the lock and closes the transport. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop.stop();
    this.options.transport.close();
  }

  /** One pass over the due rows; returns how many it sent. */
  async sendDue(): Promise<number> {
    const { db, batchSize = 50, clock = () => new Date() } = this.options;
    let sent = 0;
    for (const row of await dueNotifications(db, clock(), batchSize)) {
      if (!this.running) break;
      if (await this.deliver(row)) sent += 1;
    }
    return sent;
  }

  private async deliver(row: PendingNotification): Promise<boolean> {
    const {
      db,
      publisher,
      transport,
      clock = () => new Date(),
      random = Math.random,
    } = this.options;
    const parent = restoreTraceContext(row.trace_context);
    const span = this.tracer.startSpan(
      'smtp send',
      { kind: SpanKind.CLIENT, attributes: { 'orderflow.order_id': row.order_id } },
      parent,
    );
    try {
      await transport.send({
        from: this.options.from,
        to: row.recipient,
        subject: row.subject,
        text: row.body,
        messageId: row.message_id,
        headers: { 'X-Orderflow-Order-Id': row.order_id, 'X-Orderflow-Kind': row.kind },
      });
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      span.end();
      this.metrics.failures.inc({ kind: row.kind });
      const delay = retryDelayMs(row.attempts + 1, this.options.retryMaxMs, random);
      this.options.logger.warn(
        { err, orderId: row.order_id, kind: row.kind, attempts: row.attempts + 1, delay },
        'notification not sent; will retry',
      );
      await recordFailure(db, row, err, new Date(clock().getTime() + delay));
      return false;
    }
    span.end();
    // The window described above is here: accepted by SMTP, not yet marked SENT.
    const marked = await markSent(db, publisher, row, clock(), trace.setSpan(parent, span));
    if (marked) this.metrics.sent.inc({ kind: row.kind });
    return marked;
  }
}
