// Before any kafkajs client exists: see the module.
import './kafkajs-idle-fix.js';

export type { Executor, Logger, MessagingTables } from './types.js';
export { Headers, DlqHeaders, headersToStrings } from './headers.js';
export type { ExpectedVersion } from './errors.js';
export {
  KeyLockError,
  NonRetriableError,
  WrongExpectedVersionError,
  isRetriable,
} from './errors.js';
export { lockKey, lockKeys } from './lock-key.js';
export { crashPoint } from './crash-point.js';
export { messagingMigrations, migrateMessaging } from './migrations.js';
export { captureTraceContext, restoreTraceContext } from './tracing.js';

export type { Decider, DomainEvent } from './event-store/decider.js';
export { fold } from './event-store/decider.js';
export type {
  EventRecord,
  NewEvent,
  RecordedEvent,
  StreamEvents,
} from './event-store/event-store.js';
export { appendEvents, loadStream, readStream, readStreams } from './event-store/event-store.js';
export type { BulkWrite } from './event-store/unit-of-work.js';
export { UnitOfWork, deferWrite, withUnitOfWork } from './event-store/unit-of-work.js';
export { unitOfWorkOf } from './event-store/current-unit.js';
export type { HandleCommandOptions, HandleCommandResult } from './event-store/handle-command.js';
export { handleCommand } from './event-store/handle-command.js';
export type { Projection } from './event-store/projections.js';
export { catchUpProjection, rebuildProjection } from './event-store/projections.js';

export type { EnqueueOptions, OutboxMessage } from './outbox/enqueue.js';
export { OUTBOX_CHANNEL, enqueue, writeOutbox } from './outbox/enqueue.js';
export type { OutboxRelayOptions } from './outbox/relay.js';
export { OutboxRelay } from './outbox/relay.js';
export { connectOrderedProducer } from './producer.js';
export { LeaderLoop } from './outbox/leader-loop.js';
export type { LeaderLoopOptions } from './outbox/leader-loop.js';

export { pruneInbox, recordInInbox } from './inbox/inbox.js';

export type { RetryPolicy } from './consumer/backoff.js';
export { backoffDelay, defaultRetryPolicy } from './consumer/backoff.js';
export { defaultDeadLetterTopic } from './consumer/dead-letter.js';
export type { HandlerContext, InboundMessage } from './consumer/inbound-message.js';
export type {
  AfterCommit,
  BeforeBatch,
  MessageConsumerOptions,
  MessageHandler,
} from './consumer/message-consumer.js';
export type { Delivery } from './consumer/delivery.js';
export type { FailureKind } from './consumer/failure-kind.js';
export { failureKind } from './consumer/failure-kind.js';
export { MessageConsumer } from './consumer/message-consumer.js';

export type { DeadLetter } from './dlq/dead-letters.js';
export { inspectDeadLetters, redriveDeadLetters } from './dlq/dead-letters.js';
