import type { Tracer } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import type pg from 'pg';
import { Registry } from 'prom-client';
import type { Executor, Logger, MessagingTables } from '../types.js';
import { defaultLogger } from '../types.js';
import { connectOrderedProducer } from '../producer.js';
import { OUTBOX_CHANNEL } from './enqueue.js';
import { LeaderLoop } from './leader-loop.js';
import type { RelayMetrics } from './relay-metrics.js';
import { relayMetrics } from './relay-metrics.js';
import type { OutboxRow } from './outbox-rows.js';
import { deleteRows, takeCommitted } from './outbox-rows.js';
import { publishRows } from './publish-rows.js';

export interface OutboxRelayOptions<DB extends MessagingTables = MessagingTables> {
  /** Pool for reading and deleting outbox rows. */
  db: Executor<DB>;
  /** For the relay's dedicated connection (lock + LISTEN); never a pooler address. */
  connection: pg.ClientConfig;
  kafka: Kafka;
  /** One relay per service publishes at a time; this names the lock. */
  service: string;
  registry?: Registry;
  tracer?: Tracer;
  logger?: Logger;
  batchSize?: number;
  /** Polling fallback when no notification arrives. */
  pollIntervalMs?: number;
  /** How often a follower tries to become leader. */
  lockRetryMs?: number;
  producer?: Partial<ProducerConfig>;
  /** Called at these points of every publication; tests inject crashes here. */
  hooks?: { beforeSend?(): void; afterSend?(): void };
}

/**
 * Publishes committed outbox rows to Kafka, then deletes them. Only the leader (see
 * `LeaderLoop`) publishes, in `(tx_id, id)` order, with an idempotent producer and
 * acks=all, so per-key order is kept (ADR 0002). A crash between send and delete
 * re-sends those rows after restart: consumers dedupe on `ce_id`.
 *
 * One statement per batch, read while the batch before it is being sent: the rows of
 * the batch just published are deleted by the statement that reads the next
 * (`takeCommitted`), which leaves out the rows in flight. Sends never overlap: the
 * idempotent producer numbers a partition's records when it builds a request, and one
 * request at a time keeps a key's order through retries. A send that fails throws
 * away the batch read meanwhile; its rows stay in the outbox and are read again.
 */
export class OutboxRelay<DB extends MessagingTables = MessagingTables> {
  private producer: Producer | undefined;
  private readonly loop: LeaderLoop;
  private readonly metrics: RelayMetrics;
  private readonly logger: Logger;
  private readonly tracer: Tracer;
  /** Rows published and not deleted yet: the next read deletes them. */
  private published: string[] = [];
  /** The send in flight: its rows' ids, and how it ended (it never rejects). */
  private sending: { ids: string[]; outcome: Promise<{ error: unknown } | undefined> } | undefined;

  constructor(private readonly options: OutboxRelayOptions<DB>) {
    this.logger = options.logger ?? defaultLogger;
    this.tracer = options.tracer ?? trace.getTracer('@orderflow/messaging');
    this.metrics = relayMetrics(options.registry ?? new Registry(), options.db, options.service);
    this.loop = new LeaderLoop({
      connection: options.connection,
      lock: { role: 'orderflow.outbox-relay', name: options.service },
      channel: OUTBOX_CHANNEL,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      ...(options.lockRetryMs === undefined ? {} : { lockRetryMs: options.lockRetryMs }),
      work: () => this.publishBatch(),
      onPassFailed: async (error, failures) => {
        this.metrics.publishErrors.inc();
        this.logger.warn('outbox relay: publish failed; retrying', { error, failures });
        // A fresh producer next time: kafkajs' idempotent producer can be left with
        // sequence numbers the broker no longer accepts after a failed send.
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
      },
      onSessionFailed: (error) => this.logger.error('outbox relay: session failed', { error }),
      onLeadership: (leading) => {
        this.metrics.leader.set(leading ? 1 : 0);
        // The service is in every line already: the logger's own fields carry it.
        if (leading) this.logger.info('outbox relay: leader');
      },
    });
  }

  /** True while this process holds the lock and publishes. */
  get isLeader(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  /** Finishes the batch in flight, disconnects and releases the lock. */
  async stop(): Promise<void> {
    await this.loop.stop();
    // A send that fails now leaves its rows in the outbox for the next leader.
    await this.settle().catch(() => undefined);
    await this.deletePublished();
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  /**
   * One pass. While a send is in flight it reads the next rows only if the last read
   * filled a batch: the outbox holds more, and reading it now overlaps the send.
   * Otherwise it waits for the send first, so that its read also takes what committed
   * meanwhile and deletes what that send published (reading ahead there would leave
   * the rows that commit during the rest of the send for one more round trip). Returns
   * how many rows it read, plus the published rows still to delete; 0 when the outbox
   * is empty and nothing is left to do.
   */
  private async publishBatch(): Promise<number> {
    const { db, batchSize = 500 } = this.options;
    if (this.sending && this.sending.ids.length < batchSize) await this.settle();
    let rows: OutboxRow[] = [];
    try {
      rows = await takeCommitted(db, batchSize, this.published, this.sending?.ids);
      this.published = [];
    } finally {
      // Also when the read failed: no send may still run when the pass ends in error.
      await this.settle();
    }
    if (rows.length > 0) this.send(rows);
    return rows.length + this.published.length;
  }

  private send(rows: OutboxRow[]): void {
    const { hooks } = this.options;
    hooks?.beforeSend?.();
    const outcome = this.connectedProducer()
      .then((producer) => publishRows(producer, this.tracer, rows))
      .then(
        () => {
          hooks?.afterSend?.();
          const now = Date.now();
          for (const row of rows)
            this.metrics.publishLatency.observe((now - row.created_at.getTime()) / 1000);
          this.metrics.published.inc(rows.length);
          return undefined;
        },
        (error: unknown) => ({ error }),
      );
    this.sending = { ids: rows.map((r) => r.id), outcome };
  }

  /** Waits for the send in flight; its rows are deleted by the next read. */
  private async settle(): Promise<void> {
    const sending = this.sending;
    if (!sending) return;
    this.sending = undefined;
    const failed = await sending.outcome;
    if (failed) throw failed.error;
    this.published.push(...sending.ids);
  }

  /**
   * On stop: rows published since the last read. If this fails they stay, the next
   * leader sends them again and consumers drop the duplicates.
   */
  private async deletePublished(): Promise<void> {
    const ids = this.published;
    this.published = [];
    await deleteRows(this.options.db, ids).catch((error: unknown) =>
      this.logger.warn('outbox relay: published rows not deleted; they are sent again', {
        error,
      }),
    );
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producer = await connectOrderedProducer(this.options.kafka, this.options.producer);
    return this.producer;
  }
}
