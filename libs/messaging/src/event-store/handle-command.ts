import type { ExpectedVersion } from '../errors.js';
import { WrongExpectedVersionError } from '../errors.js';
import { lockKeys } from '../lock-key.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import { enqueue } from '../outbox/enqueue.js';
import type { Executor, MessagingTables } from '../types.js';
import type { Decider, DomainEvent } from './decider.js';
import { fold } from './decider.js';
import type { RecordedEvent, StreamEvents } from './event-store.js';
import { appendEvents, loadStream } from './event-store.js';
import { unitOfWorkOf } from './current-unit.js';
import type { Projection } from './projections.js';

export interface HandleCommandOptions<
  Command,
  Event extends DomainEvent,
  State,
  DB extends MessagingTables = MessagingTables,
> {
  decider: Decider<Command, Event, State>;
  streamId: string;
  command: Command;
  /**
   * The version the caller saw (an HTTP If-Match, say). Defaults to 'any': the stream is
   * locked before it is loaded, so the decision is always made on the latest state.
   * 'no_stream' skips the load (a new stream, such as one named by a fresh id); the
   * append still fails if the stream exists.
   */
  expectedVersion?: ExpectedVersion;
  /** More keys to lock, such as the order id the outbox messages are keyed by. */
  keys?: readonly string[];
  /** Added to every new event's metadata (correlation and causation ids, say). */
  metadata?: Record<string, unknown>;
  /** The encoded messages to publish for the new events, written to the outbox. */
  toMessages?: (
    events: RecordedEvent<Event>[],
    state: State,
  ) => OutboxMessage[] | Promise<OutboxMessage[]>;
  /** Projections updated in this transaction. */
  projections?: readonly Projection<DB, Event>[];
  /**
   * The stream as the caller already read it in this transaction, after locking it
   * (to learn what else to lock, say): it is not read again.
   */
  loaded?: StreamEvents<Event>;
}

export interface HandleCommandResult<Event extends DomainEvent, State> {
  events: RecordedEvent<Event>[];
  state: State;
  version: number;
}

/**
 * Load → decide → append + outbox + inline projections, all in the caller's
 * transaction, which must not have written anything yet: the stream (and `keys`) are
 * locked first, so that per-key order on Kafka equals commit order (see `lockKeys`).
 * Domain errors thrown by `decide` propagate and the transaction rolls back. In a unit
 * of work (a consumer's batch) the writes wait for the unit's flush.
 */
export async function handleCommand<
  DB extends MessagingTables,
  Command,
  Event extends DomainEvent,
  State,
>(
  trx: Executor<DB>,
  options: HandleCommandOptions<Command, Event, State, DB>,
): Promise<HandleCommandResult<Event, State>> {
  const { decider, streamId } = options;
  await lockKeys(trx, [streamId, ...(options.keys ?? [])]);
  // A stream the caller knows to be new (a fresh id) has nothing to load.
  const stream =
    options.loaded ??
    (options.expectedVersion === 'no_stream'
      ? { events: [], version: 0 }
      : await loadStream<Event, DB>(trx, streamId));
  if (typeof options.expectedVersion === 'number' && options.expectedVersion !== stream.version) {
    throw new WrongExpectedVersionError(streamId, options.expectedVersion, stream.version);
  }
  // A recorded Event is an Event (RecordedEvent distributes over it); for a generic Event
  // the compiler cannot see that.
  const before = fold(decider, stream.events as unknown as readonly Event[]);
  const decided = decider.decide(options.command, before);
  // The stream is locked and was just read, so its version is exact.
  const recorded =
    decided.length === 0
      ? []
      : ((await appendEvents(
          trx,
          streamId,
          stream.version,
          decided.map((e) => ({ type: e.type, data: e.data, metadata: options.metadata })),
        )) as RecordedEvent<Event>[]);
  const state = decided.reduce((s, e) => decider.evolve(s, e), before);
  if (recorded.length > 0) {
    const unit = unitOfWorkOf(trx);
    for (const projection of options.projections ?? []) {
      // In a unit of work, applied with the rest of its batch when it flushes.
      if (unit) unit.project(projection, recorded);
      else await projection.apply(trx, recorded);
    }
    if (options.toMessages) await enqueue(trx, await options.toMessages(recorded, state));
  }
  return { events: recorded, state, version: stream.version + recorded.length };
}
