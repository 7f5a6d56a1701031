import type { Tracer } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { LeaderLoop, backoffDelay, crashPoint, restoreTraceContext } from '@orderflow/messaging';
import type { EventPublisher, Logger } from '@orderflow/platform';
import { SpanAttributes } from '@orderflow/telemetry';
import type pg from 'pg';
import type { Counter, Registry } from 'prom-client';
import type { NotificationsDb } from '../infra/database.js';
import type { MailTransport } from '../infra/mail-transport.js';
import { SENDER_CHANNEL } from '../infra/sender-channel.js';
import type { Accepted, PendingNotification } from './deliver-notification.js';
import { dueNotifications, markSent, recordFailure } from './deliver-notification.js';
import { forEachBounded } from './for-each-bounded.js';
import { GroupCommit } from './group-commit.js';
import { sendMetrics } from './sender-metrics.js';

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
  /** E-mails handed to the transport at once (default 8). */
  concurrency?: number;
  /** Due rows read per pass (default 200). */
  batchSize?: number;
  lockRetryMs?: number;
  clock?: () => Date;
  random?: () => number;
}

/**
 * Sends PENDING notifications over SMTP. Only the leader (advisory lock on its own
 * connection) sends. A pass reads up to `batchSize` due rows and keeps up to
 * `concurrency` e-mails in flight; the rows the SMTP server accepted are marked SENT,
 * with one NotificationSent each, in group transactions (see GroupCommit) while the
 * others are still sending. The pass ends when all of them are committed, so the next
 * pass never sees a row this one sent; the LeaderLoop passes again at once while a pass
 * sent something. Wakes on NOTIFY from the consumer's commit, with polling as the
 * fallback. A failed attempt leaves the row PENDING with a backoff; nothing is dropped.
 *
 * The remaining at-least-once edge: if the process dies (or a group's transaction
 * fails) after the SMTP server accepted an e-mail and before its row is marked SENT,
 * it is sent again later, with the same Message-ID (`messageIdFor`), so the duplicate
 * is recognisable as one message. NotificationSent is still published exactly once,
 * with the row marked SENT.
 */
export class NotificationSender {
  /** Once stopping, a pass starts no new e-mail; those in flight finish and commit. */
  private stopping = false;
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
    this.stopping = false;
    this.loop.start();
  }

  /** Finishes the e-mails in flight, releases the lock and closes the transport. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    this.options.transport.close();
  }

  /**
   * One pass over the due rows; returns how many it marked SENT. The LeaderLoop calls
   * it while this process leads; tests call it directly to run one pass.
   */
  async sendDue(): Promise<number> {
    const {
      db,
      publisher,
      batchSize = 200,
      concurrency = 8,
      clock = () => new Date(),
    } = this.options;
    const rows = await dueNotifications(db, clock(), batchSize);
    let sent = 0;
    const commits = new GroupCommit<Accepted>(async (group) => {
      // The SMTP server has these e-mails; their rows still say PENDING.
      crashPoint('notifications.after-smtp');
      const marked = await markSent(db, publisher, group, clock());
      for (const row of marked) this.metrics.sent.inc({ kind: row.kind });
      sent += marked.length;
    });
    try {
      await forEachBounded(
        rows,
        concurrency,
        async (row) => {
          const accepted = await this.attempt(row);
          if (accepted) commits.add(accepted);
        },
        () => !this.stopping && !commits.failed,
      );
    } finally {
      // Also after a failed attempt-recording: what SMTP accepted is marked SENT if it can be.
      await commits.flush();
    }
    return sent;
  }

  /** One e-mail, one span in the order's trace; a failure is recorded on the row. */
  private async attempt(row: PendingNotification): Promise<Accepted | undefined> {
    const { db, transport, clock = () => new Date(), random = Math.random } = this.options;
    const parent = restoreTraceContext(row.trace_context);
    const span = this.tracer.startSpan(
      'smtp send',
      { kind: SpanKind.CLIENT, attributes: { [SpanAttributes.orderId]: row.order_id } },
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
      const delay = backoffDelay(
        row.attempts + 1,
        { initialDelayMs: 1_000, maxDelayMs: this.options.retryMaxMs, jitter: 'equal' },
        random,
      );
      this.options.logger.warn(
        { err, orderId: row.order_id, kind: row.kind, attempts: row.attempts + 1, delay },
        'notification not sent; will retry',
      );
      await recordFailure(db, row, err, new Date(clock().getTime() + delay));
      return undefined;
    }
    span.end();
    // The window described above opens here: accepted by SMTP, not yet marked SENT.
    return { row, traceContext: trace.setSpan(parent, span) };
  }
}
