import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Tracer } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { MetricNames, SpanAttributes } from '@orderflow/telemetry';
import type { Consumer, ConsumerConfig, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { NonRetriableError, isRetriable } from '../errors.js';
import { recordInInbox } from '../inbox/inbox.js';
import { lockKeys } from '../lock-key.js';
import { connectOrderedProducer } from '../producer.js';
import { counter, histogram } from '../metrics.js';
import { restoreTraceContext } from '../tracing.js';
import type { Executor, Logger } from '../types.js';
import { defaultLogger } from '../types.js';
import type { RetryPolicy } from './backoff.js';
import { backoffDelay, defaultRetryPolicy } from './backoff.js';
import { deadLetterMessage, defaultDeadLetterTopic } from './dead-letter.js';
import type { HandlerContext, InboundMessage } from './inbound-message.js';
import { toInboundMessage } from './inbound-message.js';

/**
 * Runs inside the transaction that also records the message in the inbox. It may
 * return a callback to run once that transaction has committed (metrics of what the
 * handler did, say), so nothing is counted for work that rolled back.
 */
export type MessageHandler = (
  trx: Executor,
  message: InboundMessage,
  ctx: HandlerContext,
) => Promise<void | AfterCommit>;

export type AfterCommit = () => void;

export interface MessageConsumerOptions {
  kafka: Kafka;
  db: Executor;
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler;
  /** The inbox's consumer name; defaults to the group id. */
  inboxName?: string;
  /** Keys the handler's transaction writes under; defaults to the record key. */
  lockKeys?: (message: InboundMessage) => string[];
  retry?: Partial<RetryPolicy>;
  deadLetterTopic?: (topic: string) => string;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  consumer?: Partial<ConsumerConfig>;
  registry?: Registry;
  tracer?: Tracer;
  logger?: Logger;
}

type Outcome = 'handled' | 'duplicate' | 'dead_lettered';

/**
 * The kafkajs consumer every service runs. Per record: lock its key, insert its id in
 * the inbox (a duplicate stops here), run the handler, commit; only then does
 * `eachMessage` resolve and kafkajs commit the offset. Retriable failures are retried
 * with backoff; non-retriable ones, and retriable ones that keep failing, go to the
 * dead-letter topic and the partition moves on.
 */
export class MessageConsumer {
  private readonly consumer: Consumer;
  private producer: Producer | undefined;
  private readonly policy: RetryPolicy;
  private readonly stopping = new AbortController();
  private readonly logger: Logger;
  private readonly tracer: Tracer;
  private readonly outcomes;
  private readonly retries;
  private readonly handlerDuration;
  private joined = false;

  constructor(private readonly options: MessageConsumerOptions) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.logger = options.logger ?? defaultLogger;
    this.tracer = options.tracer ?? trace.getTracer('@orderflow/messaging');
    this.consumer = options.kafka.consumer({
      allowAutoTopicCreation: false,
      ...options.consumer,
      groupId: options.groupId,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.joined = true));
    this.consumer.on(this.consumer.events.CRASH, () => (this.joined = false));
    const registry = options.registry ?? new Registry();
    this.outcomes = counter(registry, {
      name: MetricNames.consumerMessages,
      help: 'Consumed records by outcome',
      labelNames: ['group', 'topic', 'outcome'],
    });
    this.retries = counter(registry, {
      name: MetricNames.consumerRetries,
      help: 'Handler attempts that failed with a retriable error and were retried',
      labelNames: ['group', 'topic'],
    });
    this.handlerDuration = histogram(registry, {
      name: MetricNames.consumerHandlerDuration,
      help: 'One handler attempt: lock, inbox, handler and commit',
      labelNames: ['group', 'topic'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  /** True once the consumer has joined its group (for readiness probes). */
  get isJoined(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    this.producer = await connectOrderedProducer(this.options.kafka);
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? false,
    });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => this.eachMessage(payload),
    });
  }

  /**
   * Graceful shutdown: the record in flight finishes (a retry wait is cut short and the
   * record is redelivered later), its offset is committed, and the consumer leaves the
   * group so that its partitions move to another member at once.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.disconnect();
    await this.producer?.disconnect();
    this.joined = false;
  }

  /** Back-pressure: stop fetching these topics (all by default) until `resume`. */
  pause(topics: readonly string[] = this.options.topics): void {
    this.consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: readonly string[] = this.options.topics): void {
    this.consumer.resume(topics.map((topic) => ({ topic })));
  }

  private async eachMessage(payload: EachMessagePayload) {
    const { topic, partition, message } = payload;
    const heartbeat = () => payload.heartbeat();
    const inbound = toInboundMessage(topic, partition, message);
    const parent = restoreTraceContext(inbound.headers);
    const span = this.tracer.startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [SpanAttributes.messagingSystem]: 'kafka',
          [SpanAttributes.messagingOperationType]: 'process',
          [SpanAttributes.messagingDestination]: topic,
          [SpanAttributes.messagingConsumerGroup]: this.options.groupId,
          [SpanAttributes.messagingMessageId]: inbound.id ?? '',
          // Records are keyed by order id: the span belongs to that order's saga.
          ...(inbound.key === null ? {} : { [SpanAttributes.orderId]: inbound.key }),
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    try {
      const outcome = await context.with(ctx, () => this.process(inbound, heartbeat, ctx));
      span.setAttribute(SpanAttributes.outcome, outcome);
      this.outcomes.inc({ group: this.options.groupId, topic, outcome });
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  private async process(
    message: InboundMessage,
    heartbeat: () => Promise<void>,
    traceContext: Context,
  ): Promise<Outcome> {
    const { id } = message;
    if (!id)
      return this.deadLetter(message, new NonRetriableError('record has no ce_id header'), 0);
    const inboxName = this.options.inboxName ?? this.options.groupId;
    const keys = this.options.lockKeys?.(message) ?? (message.key === null ? [] : [message.key]);
    for (let attempt = 1; ; attempt++) {
      const timer = this.handlerDuration.startTimer({
        group: this.options.groupId,
        topic: message.topic,
      });
      try {
        const result = await this.options.db.transaction().execute(async (trx) => {
          // First, before any write: see lockKeys for why the order matters.
          if (keys.length > 0) await lockKeys(trx, keys);
          if (!(await recordInInbox(trx, inboxName, id))) return { outcome: 'duplicate' as const };
          const afterCommit = await this.options.handler(trx, message, {
            attempt,
            heartbeat,
            traceContext,
          });
          return { outcome: 'handled' as const, afterCommit };
        });
        timer();
        if (result.outcome === 'handled') result.afterCommit?.();
        return result.outcome;
      } catch (error) {
        timer();
        if (!isRetriable(error) || attempt >= this.policy.maxAttempts) {
          return this.deadLetter(message, error, attempt);
        }
        this.retries.inc({ group: this.options.groupId, topic: message.topic });
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
    }
  }

  private async deadLetter(message: InboundMessage, error: unknown, attempts: number) {
    const topic = (this.options.deadLetterTopic ?? defaultDeadLetterTopic)(message.topic);
    this.logger.error('dead-lettering record', {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      deadLetterTopic: topic,
      error,
    });
    if (!this.producer) throw new Error('consumer not started');
    // If this send fails, eachMessage fails and kafkajs redelivers the record: a record
    // is never skipped without being dead-lettered.
    await this.producer.send({
      topic,
      acks: -1,
      messages: [deadLetterMessage(message, error, attempts, this.options.groupId, new Date())],
    });
    return 'dead_lettered' as const;
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    if (this.stopping.signal.aborted) {
      throw new Error('consumer stopping; the record will be redelivered');
    }
  }
}
