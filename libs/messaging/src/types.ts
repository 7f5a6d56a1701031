import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/**
 * A Kysely instance or transaction over a service's database, which includes the
 * messaging tables. The library's functions are generic over `DB`, so a service's
 * handlers, projections and bulk writes get back its own `Kysely<ServiceDB>`; inside,
 * the library reads and writes only `MessagingTables` (see `messagingDb`). A
 * transaction is a Kysely too; it is named so that `DB` is inferred from one.
 */
export type Executor<DB extends MessagingTables = MessagingTables> = Kysely<DB> | Transaction<DB>;

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

/** The member id each named consumer instance last had in its group (see previous-member.ts). */
export interface ConsumerInstancesTable {
  group_id: string;
  instance_id: string;
  member_id: string;
  joined_at: Generated<Date>;
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
  consumer_instances: ConsumerInstancesTable;
}

export function messagingDb<DB extends MessagingTables>(
  executor: Executor<DB>,
): Kysely<MessagingTables> {
  // Kysely's database parameter is invariant; DB has every messaging table, so this only forgets the others.
  return executor as unknown as Kysely<MessagingTables>;
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
