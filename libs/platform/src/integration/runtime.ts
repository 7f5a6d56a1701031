import { context as traceContext, trace } from '@opentelemetry/api';
import type { IntegrationEvent, Service, TopicMap } from '@orderflow/events';
import { EventSerde, Topics } from '@orderflow/events';
import type { AfterCommit, Executor, InboundMessage, MessagingTables } from '@orderflow/messaging';
import {
  MessageConsumer,
  OutboxRelay,
  crashPoint,
  defaultDeadLetterTopic,
  pruneInbox,
} from '@orderflow/messaging';
import type { Kafka } from 'kafkajs';
import { SpanAttributes } from '@orderflow/telemetry';
import { z } from 'zod';
import { env } from '../config.js';
import { withLogContext } from '../log-context.js';
import type { ServiceContext, ServiceParts } from '../service.js';
import type { DecodedMessage } from './consume.js';
import { decodeMessage } from './consume.js';
import { ensureTopics, waitForKafka, waitForTopics } from '@orderflow/kafka-admin';
import { createKafka, messagingLogger } from './kafka.js';
import { kafkaSecurity, kafkaSecurityConfigSchema } from './kafka-security.js';
import { EventPublisher } from './publish.js';

/** The variables every service that publishes and consumes events reads. */
export const messagingConfigSchema = z.object({
  KAFKA_BROKERS: env.list(),
  SCHEMA_REGISTRY_URL: env.url(),
  /** Create missing topics at start-up (off where an init job owns them). */
  KAFKA_ENSURE_TOPICS: z.stringbool().default(true),
  /** How long start-up waits for a broker to answer before it gives up. */
  KAFKA_CONNECT_WAIT_MS: z.coerce.number().int().min(0).default(120_000),
  /** With KAFKA_ENSURE_TOPICS=false: how long start-up waits for the topics to appear. */
  KAFKA_TOPICS_WAIT_MS: z.coerce.number().int().min(0).default(300_000),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(64).default(3),
  /** The relay wakes on NOTIFY; this is the fallback when a notification is missed. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Partitions handled at the same time, each batch in its own transaction and connection. */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  /** Records handled in one transaction at most. */
  CONSUMER_MAX_BATCH: z.coerce.number().int().min(1).max(1_000).default(200),
  /**
   * A member silent this long is taken out of the group and its partitions move: the
   * time a SIGKILLed consumer's partitions wait. The default is the least a stock
   * broker accepts (its group.min.session.timeout.ms, 6 s); the local stack's broker
   * allows 1 s and its services use 3 s. Failover after a SIGKILL takes this, plus up
   * to a heartbeat interval and an idle fetch (1 s each) before the survivor hears of
   * the rebalance, plus the rejoin: 6–7 s measured on a loaded 2-core machine (bench
   * `restart`), inside the 10 s target. Shorter would not start on a stock broker.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(6_000),
  /**
   * This replica's name, stable across restarts and unique among replicas (the pod
   * name). With it, a process that restarts after a crash removes the group member its
   * predecessor left behind instead of waiting out that member's session (kafkajs has
   * no static membership). Unset: restarts after a crash wait for the session.
   */
  KAFKA_GROUP_INSTANCE_ID: z.string().trim().min(1).max(200).optional(),
  /**
   * kafkajs heartbeats between batches, so a member is expelled only if a batch (or an
   * event-loop stall) outlasts the session: six intervals per session leave room for a
   * busy machine. Shorter intervals would cut failover by a fraction of a second and
   * wake every idle consumer more often.
   */
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
  /**
   * Consumed offsets are committed at most this often (0: after every batch). What a
   * crash leaves uncommitted is delivered again and the inbox drops it: this bounds
   * that re-delivery, and saves an OffsetCommit request per batch.
   */
  KAFKA_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Inbox entries older than this are pruned hourly; keep it far above any redelivery window. */
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(14),
  /** Prefix for topic and consumer-group names: isolates environments sharing one cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
  ...kafkaSecurityConfigSchema.shape,
});
export type MessagingConfig = z.infer<typeof messagingConfigSchema>;

/** The catalog's topics under a prefix (KAFKA_TOPIC_PREFIX). */
export function prefixedTopics(prefix: string): TopicMap {
  return Object.fromEntries(
    Object.entries(Topics).map(([owner, topic]) => [owner, `${prefix}${topic}`]),
  ) as TopicMap;
}

/** A service's reaction to one event, in the consumer's transaction (see MessageHandler). */
export type EventHandler<DB extends MessagingTables = MessagingTables> = (
  trx: Executor<DB>,
  message: DecodedMessage,
  raw: InboundMessage,
) => Promise<void | AfterCommit>;

/**
 * Runs before the handlers of a batch, in its transaction: loads in one query what they
 * will need, and takes the row locks they will take, in sorted order (see
 * BeforeBatch). Payments locks and reads the accounts of the batch's customers, say.
 */
export type PrepareBatch<DB extends MessagingTables = MessagingTables> = (
  trx: Executor<DB>,
  events: readonly DecodedMessage[],
) => Promise<void>;

export interface Messaging<DB extends MessagingTables = MessagingTables> {
  kafka: Kafka;
  serde: EventSerde;
  publisher: EventPublisher;
  /**
   * Starts the relay and the consumer; returns what the service shell serves and
   * closes. `lockKeysFor(orderId)` names every key the handler's writes lock (its
   * streams and the order id): the consumer locks them before the inbox write.
   */
  start(
    handler: EventHandler<DB>,
    lockKeysFor: (orderId: string) => string[],
    options?: {
      prepareBatch?: PrepareBatch<DB>;
      /**
       * The consumed events the service does not react to: they are acknowledged
       * without a transaction (and without an inbox row: they change nothing).
       */
      reactsTo?: (event: IntegrationEvent) => boolean;
    },
  ): Promise<Required<Pick<ServiceParts, 'readiness' | 'closers'>>>;
}

/**
 * Wires a service to Kafka: registers the event schemas (ids cached for encoding),
 * creates missing topics, and on `start` runs the outbox relay (one leader per
 * service) and the consumer (inbox dedupe, retries, dead letters).
 */
export async function createMessaging<DB extends MessagingTables>(
  service: Service,
  consumes: readonly Service[],
  config: MessagingConfig & { DATABASE_URL: string },
  context: ServiceContext<DB>,
): Promise<Messaging<DB>> {
  const { logger, db, metrics } = context;
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: service,
    logger,
    security: kafkaSecurity(config),
  });
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const topics = prefixedTopics(prefix);
  const serde = new EventSerde({
    registryUrl: config.SCHEMA_REGISTRY_URL,
    clientId: service,
    topics,
  });
  await context.step('registering the event schemas', () => serde.registerAll());
  await context.step('connecting to Kafka', () =>
    waitForKafka(kafka, {
      timeoutMs: config.KAFKA_CONNECT_WAIT_MS,
      onWait: (err) =>
        logger.warn({ err, brokers: config.KAFKA_BROKERS }, 'Kafka does not answer yet; waiting'),
    }),
  );
  const consumed = consumes.map((s) => topics[s]);
  const needed = [topics[service], ...consumed, ...consumed.map(defaultDeadLetterTopic)];
  if (config.KAFKA_ENSURE_TOPICS) {
    await context.step('creating the topics', () =>
      ensureTopics(kafka, needed, config.KAFKA_TOPIC_PARTITIONS),
    );
  } else {
    // Someone else creates them (the Helm chart's job, an operator), maybe right now.
    await context.step('waiting for the topics', () =>
      waitForTopics(kafka, needed, {
        timeoutMs: config.KAFKA_TOPICS_WAIT_MS,
        onWait: (missing) =>
          logger.warn(
            { missing },
            'waiting for topics to be created (KAFKA_ENSURE_TOPICS=false: this service does not create them)',
          ),
      }),
    );
  }
  const publisher = new EventPublisher(serde, `/orderflow/${service}`);
  const log = messagingLogger(logger);
  const tracer = trace.getTracer(`orderflow-${service}`);

  return {
    kafka,
    serde,
    publisher,
    async start(handler, lockKeysFor, options = {}) {
      const relay = new OutboxRelay({
        db,
        connection: { connectionString: config.DATABASE_URL, application_name: `${service}-relay` },
        kafka,
        service,
        registry: metrics,
        tracer,
        logger: log,
        pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        hooks: {
          beforeSend: () => crashPoint('relay.before-send'),
          afterSend: () => crashPoint('relay.after-send'),
        },
      });
      relay.start();
      const { prepareBatch, reactsTo } = options;
      const consumer = new MessageConsumer<DecodedMessage, DB>({
        kafka,
        db,
        groupId: `${prefix}${service}`,
        topics: consumed,
        registry: metrics,
        tracer,
        logger: log,
        fromBeginning: true,
        ...(config.KAFKA_GROUP_INSTANCE_ID ? { instanceId: config.KAFKA_GROUP_INSTANCE_ID } : {}),
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        maxBatchSize: config.CONSUMER_MAX_BATCH,
        commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
        consumer: {
          sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
          heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
          // A stop waits for the fetch in flight; an idle fetch returns after this long.
          maxWaitTimeInMs: 1_000,
        },
        // Before any transaction: a record that does not decode, or does not belong on
        // its topic, is dead-lettered without touching the database.
        decode: (message) => decodeMessage(serde, message),
        lockKeys: (_message, decoded) => lockKeysFor(decoded.event.data.orderId),
        ...(reactsTo ? { ignore: (_message, decoded) => !reactsTo(decoded.event) } : {}),
        ...(prepareBatch
          ? {
              beforeBatch: (trx, batch) =>
                prepareBatch(
                  trx,
                  batch.map((d) => d.decoded),
                ),
            }
          : {}),
        handler: async (trx, message, { decoded }) => {
          const { correlationId } = decoded.causation;
          const orderId = decoded.event.data.orderId;
          // Which step of the saga this consumer span is: the service reacting to the event.
          trace
            .getActiveSpan()
            ?.setAttribute(SpanAttributes.sagaStep, `${service} on ${decoded.event.type}`);
          // After commit, log and count in the record's trace and log context too.
          const recordContext = traceContext.active();
          const withRecord = (fn: () => void) =>
            traceContext.with(recordContext, () => withLogContext({ correlationId, orderId }, fn));
          return withLogContext({ correlationId, orderId }, async () => {
            const afterCommit = await handler(trx, decoded, message);
            return () =>
              withRecord(() => {
                logger.debug(
                  { event: decoded.event.type, eventId: decoded.headers.id },
                  'event handled',
                );
                afterCommit?.();
              });
          });
        },
      });
      await context.step('starting the consumer', () => consumer.start());
      const pruning = setInterval(() => {
        pruneInbox(db, config.INBOX_RETENTION_DAYS).then(
          (pruned) => pruned > 0 && logger.info({ pruned }, 'inbox pruned'),
          (err: unknown) => logger.warn({ err }, 'inbox pruning failed'),
        );
      }, 3_600_000);
      pruning.unref();
      return {
        readiness: { kafka: () => Promise.resolve(consumer.isJoined) },
        // Closed in reverse: the consumer stops taking records before the relay stops.
        closers: [
          { name: 'outbox relay', close: () => relay.stop() },
          { name: 'inbox pruning', close: () => Promise.resolve(clearInterval(pruning)) },
          { name: 'consumer', close: () => consumer.stop() },
        ],
      };
    },
  };
}
