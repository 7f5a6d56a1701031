import type { Span, Tracer } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Kafka, Message, Producer, ProducerConfig } from 'kafkajs';
import { SpanAttributes } from '@orderflow/telemetry';
import { sql } from 'kysely';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { Headers } from '../headers.js';
import { captureTraceContext, restoreTraceContext } from '../tracing.js';
import type { Executor, Logger } from '../types.js';
import { defaultLogger, messagingDb } from '../types.js';
import { connectOrderedProducer } from '../producer.js';
import { OUTBOX_CHANNEL } from './enqueue.js';
import { LeaderLoop } from './leader-loop.js';
import type { RelayMetrics } from './relay-metrics.js';
import { relayMetrics } from './relay-metrics.js';

export interface OutboxRelayOptions {
  /** Pool for reading and deleting outbox rows. */
  db: Executor;
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
  /** Fault injection for tests: SIGKILL this process at that point of a publication. */
  crashPoint?: 'before-send' | 'after-send';
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  trace_context: Record<string, string>;
  created_at: Date;
}

/**
 * Publishes committed outbox rows to Kafka, then deletes them. Only the leader (see
 * `LeaderLoop`) publishes, one batch at a time in `(tx_id, id)` order, with an
 * idempotent producer and acks=all, so per-key order is kept. A crash between send
 * and delete re-sends the batch after restart: consumers dedupe on `ce_id`.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private readonly loop: LeaderLoop;
  private readonly metrics: RelayMetrics;
  private readonly logger: Logger;
  private readonly tracer: Tracer;

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = options.logger ?? defaultLogger;
    this.tracer = options.tracer ?? trace.getTracer('@orderflow/messaging');
    this.metrics = relayMetrics(options.registry ?? new Registry(), options.db, options.service);
    this.loop = new LeaderLoop({
      connection: options.connection,
      lock: { role: 'orderflow.outbox-relay', name: options.service },
      channel: OUTBOX_CHANNEL,
      pollIntervalMs: options.pollIntervalMs ?? 500,
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
        if (leading) this.logger.info('outbox relay: leader', { service: options.service });
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
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  /** Publishes one batch; returns how many rows it published. */
  private async publishBatch(): Promise<number> {
    const rows = (await messagingDb(this.options.db)
      .selectFrom('outbox')
      .select(['id', 'topic', 'key', 'value', 'headers', 'trace_context', 'created_at'])
      // Below the oldest running transaction only: a transaction that commits later has
      // a tx_id at or above this bound, so no row is passed over and per-key order holds.
      .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('tx_id')
      .orderBy('id')
      .limit(this.options.batchSize ?? 500)
      .execute()) as OutboxRow[];
    if (rows.length === 0) return 0;
    if (this.options.crashPoint === 'before-send') process.kill(process.pid, 'SIGKILL');

    const spans: Span[] = [];
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const parent = restoreTraceContext(row.trace_context);
      const span = this.tracer.startSpan(
        `${row.topic} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [SpanAttributes.messagingSystem]: 'kafka',
            [SpanAttributes.messagingOperationType]: 'publish',
            [SpanAttributes.messagingDestination]: row.topic,
            [SpanAttributes.messagingMessageId]: row.headers[Headers.id] ?? '',
            ...(row.key === null ? {} : { [SpanAttributes.orderId]: row.key }),
          },
        },
        parent,
      );
      spans.push(span);
      const headers = { ...row.headers, ...captureTraceContext(trace.setSpan(parent, span)) };
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({ key: row.key, value: row.value, headers });
      byTopic.set(row.topic, messages);
    }
    try {
      const producer = await this.connectedProducer();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const span of spans) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        span.end();
      }
      throw error;
    }
    for (const span of spans) span.end();
    if (this.options.crashPoint === 'after-send') process.kill(process.pid, 'SIGKILL');

    await messagingDb(this.options.db)
      .deleteFrom('outbox')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const now = Date.now();
    for (const row of rows)
      this.metrics.publishLatency.observe((now - row.created_at.getTime()) / 1000);
    this.metrics.published.inc(rows.length);
    return rows.length;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producer = await connectOrderedProducer(this.options.kafka, this.options.producer);
    return this.producer;
  }
}
