import type { ExpectedVersion } from '../errors.js';
import { lockKeys } from '../lock-key.js';
import type { OutboxMessage } from '../outbox/enqueue.js';
import { enqueue } from '../outbox/enqueue.js';
import type { Executor } from '../types.js';
import type { Decider, DomainEvent } from './decider.js';
import { fold } from './decider.js';
import type { RecordedEvent } from './event-store.js';
import { appendEvents, readStream } from './event-store.js';
import type { Projection } from './projections.js';

export interface HandleCommandOptions<Command, Event extends DomainEvent, State> {
  decider: Decider<Command, Event, State>;
  streamId: string;
  command: Command;
  /**
   * The version the caller saw (an HTTP If-Match, say). Defaults to 'any': the stream is
   * locked before it is loaded, so the decision is always made on the latest state.
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
  projections?: readonly Projection[];
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
 * Domain errors thrown by `decide` propagate and the transaction rolls back.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  trx: Executor,
  options: HandleCommandOptions<Command, Event, State>,
): Promise<HandleCommandResult<Event, State>> {
  const { decider, streamId } = options;
  await lockKeys(trx, [streamId, ...(options.keys ?? [])]);
  const stream = await readStream<Event>(trx, streamId);
  const before = fold(
    decider,
    stream.events.map((e) => ({ type: e.type, data: e.data }) as Event),
  );
  const decided = decider.decide(options.command, before);
  const recorded = (await appendEvents(
    trx,
    streamId,
    options.expectedVersion ?? 'any',
    decided.map((e) => ({ type: e.type, data: e.data, metadata: options.metadata })),
  )) as RecordedEvent<Event>[];
  const state = decided.reduce((s, e) => decider.evolve(s, e), before);
  if (recorded.length > 0) {
    for (const projection of options.projections ?? []) await projection.apply(trx, recorded);
    if (options.toMessages) await enqueue(trx, await options.toMessages(recorded, state));
  }
  return { events: recorded, state, version: stream.version + recorded.length };
}
