import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { Headers } from '../headers.js';
import { assertKeysLocked } from '../lock-key.js';
import { unitOfWorkOf } from '../event-store/current-unit.js';
import { captureTraceContext } from '../tracing.js';
import type { Executor, MessagingTables } from '../types.js';

/** The channel `enqueue` notifies and the relay listens on. */
export const OUTBOX_CHANNEL = 'orderflow_outbox';

/**
 * A Kafka record, already encoded by the caller (Avro through the registry, say). Its
 * id is the `ce_id` header, which consumers dedupe on.
 */
export interface OutboxMessage {
  topic: string;
  /** Partition key (the order id): per-key order is kept from commit to topic. */
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /**
   * The trace this message continues, when it is not the one of the whole call (a
   * batch of messages about different orders, each in its order's trace).
   */
  context?: Context;
}

export interface EnqueueOptions {
  /**
   * The trace to continue when the rows are published (unless a message names its
   * own); defaults to the active context.
   */
  context?: Context;
}

/**
 * Writes messages to the outbox in the caller's transaction, so that they are published
 * if and only if the state change commits. Keyed messages need their key locked first
 * (`lockKeys`), which keeps per-key order on the topic equal to commit order.
 */
export async function enqueue<DB extends MessagingTables>(
  trx: Executor<DB>,
  messages: readonly OutboxMessage[],
  options: EnqueueOptions = {},
): Promise<void> {
  if (messages.length === 0) return;
  for (const message of messages) {
    if (!message.headers[Headers.id]) {
      throw new TypeError(`outbox message for ${message.topic} has no ${Headers.id} header`);
    }
  }
  assertKeysLocked(
    trx,
    messages.flatMap((m) => (m.key === null ? [] : [m.key])),
  );
  const trace = options.context ?? context.active();
  const unit = unitOfWorkOf(trx);
  if (unit) unit.enqueue(messages, trace);
  else await writeOutbox(trx, messages, trace);
}

/**
 * Inserts outbox rows in one statement, each with the trace it continues (its own, or
 * `trace`). The notification is delivered on commit only, and collapsed with the other
 * notifications of the transaction. A hint: the relay also polls, because
 * notifications sent while it is not listening are lost.
 */
export async function writeOutbox<DB extends MessagingTables>(
  trx: Executor<DB>,
  messages: readonly OutboxMessage[],
  trace: Context = context.active(),
): Promise<void> {
  if (messages.length === 0) return;
  await sql`
    with written as (${insertOutboxRows(messages, trace)})
    select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(trx);
}

/**
 * The insert of `writeOutbox`, to be part of a larger statement (a CTE): the rows in
 * the order given, each with the trace it continues. The statement must also
 * `pg_notify(OUTBOX_CHANNEL, '')`.
 */
export function insertOutboxRows(
  messages: readonly OutboxMessage[],
  trace: Context = context.active(),
): RawBuilder<unknown> {
  const shared = JSON.stringify(captureTraceContext(trace));
  const traceContexts = messages.map((m) =>
    m.context ? JSON.stringify(captureTraceContext(m.context)) : shared,
  );
  return sql`
    insert into outbox (topic, key, value, headers, trace_context)
    select m.topic, m.key, m.value, m.headers, m.trace_context
    from unnest(
      ${messages.map((m) => m.topic)}::text[],
      ${messages.map((m) => m.key)}::text[],
      ${messages.map((m) => m.value)}::bytea[],
      ${messages.map((m) => JSON.stringify(m.headers))}::jsonb[],
      ${traceContexts}::jsonb[]
    ) with ordinality as m(topic, key, value, headers, trace_context, ord)
    order by m.ord`;
}
