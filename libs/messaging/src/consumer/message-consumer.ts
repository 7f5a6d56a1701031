import { setTimeout as sleep } from 'node:timers/promises';
import type { Tracer } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { connectOrderedProducer } from '../producer.js';
import type { Executor, Logger, MessagingTables } from '../types.js';
import { defaultLogger } from '../types.js';
import type { RetryPolicy } from './backoff.js';
import { backoffDelay, defaultRetryPolicy } from './backoff.js';
import { deadLetterMessage, defaultDeadLetterTopic } from './dead-letter.js';
import type { Delivery, Outcome } from './delivery.js';
import { finishDelivery, prepareDelivery } from './delivery.js';
import { failureKind } from './failure-kind.js';
import type { BeforeBatch, MessageHandler } from './handle-batch.js';
import { crashPoint } from '../crash-point.js';
import { handleBatch } from './handle-batch.js';
import type { InboundMessage } from './inbound-message.js';
import { toInboundMessage } from './inbound-message.js';
import { Coalescer } from './coalescer.js';
import { consumerMetrics } from './consumer-metrics.js';
import { OffsetCommits } from './offset-commits.js';
import { evictMember, previousMember, rememberMember } from './previous-member.js';

export type { AfterCommit, BeforeBatch, MessageHandler } from './handle-batch.js';

export interface MessageConsumerOptions<
  T = undefined,
  DB extends MessagingTables = MessagingTables,
> {
  kafka: Kafka;
  db: Executor<DB>;
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler<T, DB>;
  /** Turns a record into what the handler takes, before any transaction begins. */
  decode?: (message: InboundMessage) => T | Promise<T>;
  /** See `BeforeBatch`: row locks the batch's handlers need, taken in sorted order. */
  beforeBatch?: BeforeBatch<T, DB>;
  /** The inbox's consumer name; defaults to the group id. */
  inboxName?: string;
  /** Keys the handler's transaction writes under; defaults to the record key. */
  lockKeys?: (message: InboundMessage, decoded: T) => string[];
  /**
   * Records the service does not react to: acknowledged without a span or a
   * transaction (they change nothing, so there is nothing to dedupe).
   */
  ignore?: (message: InboundMessage, decoded: T) => boolean;
  retry?: Partial<RetryPolicy>;
  deadLetterTopic?: (topic: string) => string;
  /**
   * Partitions whose batches kafkajs hands over at the same time. Their records go
   * into one transaction (see `Coalescer`), up to `maxBatchSize`.
   */
  partitionsConsumedConcurrently?: number;
  /** Records in one transaction at most (batches of partitions are joined up to it). */
  maxBatchSize?: number;
  /** Offsets are committed at most this often (see OffsetCommits); 0 after every batch. */
  commitIntervalMs?: number;
  fromBeginning?: boolean;
  /**
   * Which instance of the service this is, stable across its restarts and unique among
   * its replicas (a pod name). A process started under the same id removes the member
   * its predecessor left in the group (see previous-member.ts), so a restart after a
   * crash does not wait for that member's session to time out. Absent: no removal.
   */
  instanceId?: string;
  consumer?: Partial<ConsumerConfig>;
  registry?: Registry;
  tracer?: Tracer;
  logger?: Logger;
}

/**
 * The kafkajs consumer every service runs. Records are handled in batches, one
 * transaction per batch: lock their keys, insert their ids in the inbox (duplicates
 * stop there), run the handler of each new one in offset order, commit; only then is
 * the offset resolved. The batches of partitions handed over together (records of
 * several partitions and topics from one fetch) share a transaction. A batch that
 * fails is handled again one record per transaction, so a poison record goes to the
 * dead-letter topic alone and its neighbours commit. Retriable failures are retried
 * with backoff; a database that is down is waited for; non-retriable failures, and
 * retriable ones that keep failing, are dead-lettered and the partition moves on.
 */
export class MessageConsumer<T = undefined, DB extends MessagingTables = MessagingTables> {
  private readonly consumer: Consumer;
  private producer: Producer | undefined;
  private readonly policy: RetryPolicy;
  private readonly stopping = new AbortController();
  private readonly logger: Logger;
  private readonly tracer: Tracer;
  private readonly metrics: ReturnType<typeof consumerMetrics>;
  private readonly offsets: OffsetCommits;
  /** Batches being handled now: a graceful stop lets them finish before it commits. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Joins the partitions' batches into one transaction; true when it committed. */
  private readonly batches: Coalescer<Delivery<T>, boolean>;
  /** The group's heartbeat (the same for every partition's payload). */
  private heartbeat: () => Promise<void> = async () => undefined;
  private joined = false;

  constructor(private readonly options: MessageConsumerOptions<T, DB>) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.logger = options.logger ?? defaultLogger;
    this.tracer = options.tracer ?? trace.getTracer('@orderflow/messaging');
    this.consumer = options.kafka.consumer({
      allowAutoTopicCreation: false,
      ...options.consumer,
      groupId: options.groupId,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.recordMember(payload.memberId);
    });
    this.consumer.on(this.consumer.events.CRASH, () => (this.joined = false));
    this.offsets = new OffsetCommits(
      (offsets) => this.consumer.commitOffsets(offsets),
      options.commitIntervalMs ?? 1_000,
      this.logger,
    );
    // Best effort: what is handled but not committed yet would go to the partition's
    // next owner again (and be a duplicate there).
    this.consumer.on(this.consumer.events.REBALANCING, () => void this.offsets.flush());
    this.metrics = consumerMetrics(options.registry ?? new Registry());
    this.batches = new Coalescer(
      (live) => this.asBatch(live, this.heartbeat),
      options.maxBatchSize ?? 200,
    );
  }

  /** True once the consumer has joined its group (for readiness probes). */
  get isJoined(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    this.producer = await connectOrderedProducer(this.options.kafka);
    await this.evictPredecessor();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? false,
    });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatchAutoResolve: false,
      // Offsets are committed by `this.offsets`, not after every batch.
      autoCommit: false,
      eachBatch: (payload) => this.track(this.eachBatch(payload)),
    });
  }

  /**
   * Graceful shutdown: the batch in flight finishes (a retry wait is cut short and the
   * rest is redelivered later), its offsets are committed, and the consumer leaves the
   * group so that its partitions move to another member at once.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    // While the consumer still runs (a stopped kafkajs consumer commits nothing).
    await Promise.allSettled(this.inFlight);
    await this.offsets.flush();
    this.offsets.close();
    await this.consumer.disconnect();
    await this.producer?.disconnect();
    this.joined = false;
  }

  /**
   * Removes the member this instance's previous process left in the group, if any. Best
   * effort: if it fails, the join waits for that member's session, as without an id.
   */
  private async evictPredecessor(): Promise<void> {
    const { instanceId, groupId, db, kafka } = this.options;
    if (instanceId === undefined) return;
    try {
      const memberId = await previousMember(db, groupId, instanceId);
      if (memberId === undefined) return;
      const evicted = await evictMember(kafka, groupId, memberId);
      if (evicted) this.logger.info('removed the previous member of this instance', { memberId });
    } catch (error) {
      this.logger.warn('could not remove the previous member of this instance', { error });
    }
  }

  private recordMember(memberId: string): void {
    const { instanceId, groupId, db } = this.options;
    if (instanceId === undefined) return;
    rememberMember(db, groupId, instanceId, memberId).catch((error: unknown) =>
      this.logger.warn('could not record the member id of this instance', { error }),
    );
  }

  private track(batch: Promise<void>): Promise<void> {
    this.inFlight.add(batch);
    const done = () => this.inFlight.delete(batch);
    batch.then(done, done);
    return batch;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    this.heartbeat = heartbeat;
    const size = this.options.maxBatchSize ?? 200;
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!payload.isRunning() || payload.isStale() || this.stopping.signal.aborted) return;
      const records = batch.messages
        .slice(i, i + size)
        .map((m) => toInboundMessage(batch.topic, batch.partition, m));
      const now = Date.now();
      for (const r of records) this.metrics.recordAge(r.topic, (now - Number(r.timestamp)) / 1000);
      await this.handleChunk(records, heartbeat);
      crashPoint('consumer.after-commit');
      const last = records.at(-1)!;
      payload.resolveOffset(last.offset);
      await this.offsets.resolved(last.topic, last.partition, last.offset);
      await heartbeat();
    }
  }

  private async handleChunk(records: InboundMessage[], heartbeat: () => Promise<void>) {
    const { groupId, decode, lockKeys, ignore } = this.options;
    const prepared = await Promise.all(
      records.map((m) =>
        prepareDelivery(m, { groupId, tracer: this.tracer, decode, lockKeys, ignore }),
      ),
    );
    for (const d of prepared)
      if (d.ignored) this.metrics.outcome(groupId, d.message.topic, 'ignored');
    const deliveries = prepared.filter((d) => !d.ignored);
    const live = deliveries.filter((d) => d.poison === undefined);
    const batched =
      !live.some((d) => d.undecoded !== undefined) &&
      (live.length === 0 || (await this.batches.submit(live)));
    if (!batched) {
      // One record per transaction, in offset order, to isolate what failed.
      for (const d of deliveries) await this.handleAlone(d, heartbeat);
      return;
    }
    for (const d of deliveries) {
      if (d.poison !== undefined) await this.deadLetter(d, d.poison, 1);
    }
  }

  /** True when the deliveries committed as one batch; false when one of them failed. */
  private async asBatch(
    live: readonly Delivery<T>[],
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    if (live.length === 0) return true;
    const parts = { ...this.options, inboxName: this.options.inboxName ?? this.options.groupId };
    for (let attempt = 1; ; attempt++) {
      // A joined batch may span topics: its timing is labelled with its first record's.
      const timer = this.metrics.startAttempt(this.options.groupId, live[0]!.message.topic);
      try {
        const result = await handleBatch(parts, live, { attempt, heartbeat });
        timer();
        this.metrics.batchRecords.observe(live.length);
        for (const d of live) this.finish(d, result.duplicates.has(d) ? 'duplicate' : 'handled');
        for (const done of result.afterCommit) done();
        return true;
      } catch (error) {
        timer();
        const kind = failureKind(error);
        if (kind === 'unavailable' || (kind === 'conflict' && attempt < this.policy.maxAttempts)) {
          await this.retryLater(live[0]!.message, error, attempt, heartbeat);
          continue;
        }
        return false;
      }
    }
  }

  /** One record in its own transaction, with retries; dead-lettered if it keeps failing. */
  private async handleAlone(d: Delivery<T>, heartbeat: () => Promise<void>): Promise<void> {
    if (d.poison !== undefined) return this.deadLetter(d, d.poison, 1);
    const { decode } = this.options;
    const parts = { ...this.options, inboxName: this.options.inboxName ?? this.options.groupId };
    for (let attempt = 1, tries = 1; ; tries++) {
      const timer = this.metrics.startAttempt(this.options.groupId, d.message.topic);
      try {
        if (d.undecoded !== undefined && decode) {
          d.decoded = await decode(d.message);
          d.keys = this.options.lockKeys?.(d.message, d.decoded) ?? [d.message.key!];
          d.undecoded = undefined;
        }
        const result = await handleBatch(parts, [d], { attempt, heartbeat });
        timer();
        this.metrics.batchRecords.observe(1);
        this.finish(d, result.duplicates.has(d) ? 'duplicate' : 'handled');
        for (const done of result.afterCommit) done();
        return;
      } catch (error) {
        timer();
        const kind = failureKind(error);
        const exhausted = kind === 'poison' || attempt >= this.policy.maxAttempts;
        if (kind !== 'unavailable' && exhausted) return this.deadLetter(d, error, attempt);
        await this.retryLater(d.message, error, tries, heartbeat);
        // Waiting for the database does not use up the record's attempts.
        if (kind !== 'unavailable') attempt += 1;
      }
    }
  }

  private async retryLater(
    message: InboundMessage,
    error: unknown,
    attempt: number,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    this.metrics.retries.inc({ group: this.options.groupId, topic: message.topic });
    this.logger.warn('handler failed; retrying', {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      attempt,
      error,
    });
    await this.wait(backoffDelay(attempt, this.policy));
    await heartbeat();
  }

  private finish(d: Delivery<unknown>, outcome: Outcome, error?: unknown) {
    finishDelivery(d, outcome, error);
    this.metrics.outcome(this.options.groupId, d.message.topic, outcome);
  }

  private async deadLetter(d: Delivery<unknown>, error: unknown, attempts: number) {
    const { message } = d;
    const topic = (this.options.deadLetterTopic ?? defaultDeadLetterTopic)(message.topic);
    this.logger.error('dead-lettering record', {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      deadLetterTopic: topic,
      error,
    });
    if (!this.producer) throw new Error('consumer not started');
    // If this send fails, the batch fails and kafkajs redelivers the record: a record
    // is never skipped without being dead-lettered.
    await this.producer.send({
      topic,
      acks: -1,
      messages: [deadLetterMessage(message, error, attempts, this.options.groupId, new Date())],
    });
    this.finish(d, 'dead_lettered', error);
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    if (this.stopping.signal.aborted) {
      throw new Error('consumer stopping; the record will be redelivered');
    }
  }
}
