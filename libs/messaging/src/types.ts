import type { ColumnType, Generated, Kysely } from 'kysely';

/**
 * Any Kysely instance or transaction whose database includes the messaging tables.
 * Services pass their own `Kysely<ServiceDB>`; Kysely's generics are invariant, so the
 * library accepts any schema and narrows to `MessagingTables` internally.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Executor = Kysely<any>;

/** pg returns bigint and xid8 as strings: they do not fit a JS number in general. */
type BigIntColumn = ColumnType<string, never, never>;
/** jsonb is written as JSON text (pg would turn a JS array into a Postgres array). */
type JsonColumn<T> = ColumnType<T, string | undefined, string>;

export interface EventsTable {
  global_position: Generated<string>;
  tx_id: BigIntColumn;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: ColumnType<unknown, string, string>;
  metadata: JsonColumn<Record<string, unknown>>;
  recorded_at: Generated<Date>;
}

export interface OutboxTable {
  id: Generated<string>;
  tx_id: BigIntColumn;
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: JsonColumn<Record<string, string>>;
  trace_context: JsonColumn<Record<string, string>>;
  created_at: Generated<Date>;
}

export interface InboxTable {
  consumer: string;
  message_id: string;
  received_at: Generated<Date>;
}

export interface ProjectionCheckpointsTable {
  name: string;
  tx_id: ColumnType<string, string | undefined, string>;
  position: ColumnType<string, string | undefined, string>;
  updated_at: Generated<Date>;
}

export interface MessagingTables {
  events: EventsTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  projection_checkpoints: ProjectionCheckpointsTable;
}

export function messagingDb(executor: Executor): Kysely<MessagingTables> {
  return executor as Kysely<MessagingTables>;
}

/** Minimal structured logger; services pass theirs (pino and console both fit). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Errors and warnings still reach stderr when a service passes no logger. */
export const defaultLogger: Logger = {
  info: () => undefined,
  warn: (message, fields) => console.warn(message, fields ?? ''),
  error: (message, fields) => console.error(message, fields ?? ''),
};
