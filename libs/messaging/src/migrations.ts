import type { Kysely, Migration, MigrationResultSet } from 'kysely';
import { Migrator, sql } from 'kysely';

/**
 * The messaging tables every service database gets: the event store (`events`), the
 * transactional outbox, the inbox and async projection checkpoints.
 *
 * Rows of `events` and `outbox` carry the id of the transaction that wrote them
 * (`tx_id`): readers take only rows below the oldest running transaction and order
 * them by `(tx_id, id)`, which never skips a row committed late (see the relay).
 */
const tables: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table events (
        global_position bigint generated always as identity primary key,
        tx_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        version integer not null check (version > 0),
        event_id uuid not null unique,
        type text not null,
        data jsonb not null,
        metadata jsonb not null default '{}',
        recorded_at timestamptz not null default now(),
        unique (stream_id, version)
      )`.execute(db);
    await sql`create index events_tx_id_position on events (tx_id, global_position)`.execute(db);
    await sql`
      create table outbox (
        id bigint generated always as identity primary key,
        tx_id xid8 not null default pg_current_xact_id(),
        topic text not null,
        key text,
        value bytea,
        headers jsonb not null default '{}',
        trace_context jsonb not null default '{}',
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index outbox_tx_id_id on outbox (tx_id, id)`.execute(db);
    await sql`
      create table inbox (
        consumer text not null,
        message_id text not null,
        received_at timestamptz not null default now(),
        primary key (consumer, message_id)
      )`.execute(db);
    await sql`create index inbox_received_at on inbox (received_at)`.execute(db);
    await sql`
      create table projection_checkpoints (
        name text primary key,
        tx_id xid8 not null default '0',
        position bigint not null default 0,
        updated_at timestamptz not null default now()
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['projection_checkpoints', 'inbox', 'outbox', 'events']) {
      await sql`drop table if exists ${sql.table(table)}`.execute(db);
    }
  },
};

/**
 * `lockKeys` in one round trip (see lock-key.ts for why the order of these steps
 * matters), and outbox rows stamped when they are written rather than when their
 * transaction began, so the relay's pickup latency is measured from the write.
 */
const lockKeysFunction: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create or replace function orderflow_lock_keys(keys text[]) returns void
      language plpgsql as $$
      declare
        h bigint;
      begin
        if pg_current_xact_id_if_assigned() is not null then
          raise exception 'orderflow_lock_keys must run before the first write of the transaction'
            using errcode = 'OF001';
        end if;
        for h in select distinct hashtextextended(k, 0) from unnest(keys) as k order by 1 loop
          perform pg_advisory_xact_lock(h);
        end loop;
        perform pg_current_xact_id();
      end
      $$`.execute(db);
    await sql`alter table outbox alter column created_at set default clock_timestamp()`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table outbox alter column created_at set default now()`.execute(db);
    await sql`drop function if exists orderflow_lock_keys(text[])`.execute(db);
  },
};

/**
 * The start of a consumer's batch transaction in one round trip instead of three: the
 * keys locked (`orderflow_lock_keys`), the message ids recorded in the inbox, and the
 * streams read. Each statement of a plpgsql function takes its own snapshot, so the
 * streams are read after the locks are held and see what the previous holder of a key
 * committed (one statement doing all three would read a snapshot from before its wait).
 *
 * Rows come back in two kinds: an inbox row (`message_id` set, the rest null) for each
 * id seen for the first time, then the streams' events in stream and version order.
 */
const beginBatchFunction: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create or replace function orderflow_begin_batch(
        lock_keys text[], inbox_consumer text, message_ids text[], stream_ids text[]
      )
      returns table (
        message_id text, stream_id text, version integer, event_id uuid, type text,
        data jsonb, metadata jsonb, global_position bigint, recorded_at timestamptz
      )
      language plpgsql as $$
      #variable_conflict use_column
      begin
        if cardinality(lock_keys) > 0 then
          perform orderflow_lock_keys(lock_keys);
        end if;
        return query
          insert into inbox as i (consumer, message_id)
          select inbox_consumer, id from unnest(message_ids) as id
          on conflict (consumer, message_id) do nothing
          returning i.message_id, null::text, null::integer, null::uuid, null::text,
            null::jsonb, null::jsonb, null::bigint, null::timestamptz;
        return query
          select null::text, e.stream_id, e.version, e.event_id, e.type, e.data, e.metadata,
            e.global_position, e.recorded_at
          from events e
          where e.stream_id = any(stream_ids)
          order by e.stream_id, e.version;
      end
      $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop function if exists orderflow_begin_batch(text[], text, text[], text[])`.execute(
      db,
    );
  },
};

/**
 * `orderflow_begin_batch` plans its statements for every call. plpgsql keeps a generic
 * plan per session after five calls, costed on the statistics of that moment, and a
 * service's sessions live long while its tables grow: a plan made when `events` held a
 * hundred rows scans the whole table for every batch once it holds thousands, until the
 * next analyze. Under load on fresh databases (40 orders/s, 3,000 orders) payments and
 * shipping read 5.5 million `events` rows in sequential scans, ~1,800 per order; with
 * a plan per call, 0.13 million. A plan made for the call's own arrays and the table as
 * it is probes the index.
 */
const beginBatchCustomPlans: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      alter function orderflow_begin_batch(text[], text, text[], text[])
        set plan_cache_mode = force_custom_plan`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`
      alter function orderflow_begin_batch(text[], text, text[], text[])
        reset plan_cache_mode`.execute(db);
  },
};

/**
 * The member id each named consumer instance had when it last joined its group, so
 * that the next process of that instance can remove it from the group instead of
 * waiting for its session to time out (see consumer/previous-member.ts).
 */
const consumerInstances: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table consumer_instances (
        group_id text not null,
        instance_id text not null,
        member_id text not null,
        joined_at timestamptz not null default now(),
        primary key (group_id, instance_id)
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists consumer_instances`.execute(db);
  },
};

/** The messaging migrations, for a service that prefers to merge them into its own set. */
export function messagingMigrations(): Record<string, Migration> {
  return {
    '0001_messaging_tables': tables,
    '0002_lock_keys_function': lockKeysFunction,
    '0003_begin_batch_function': beginBatchFunction,
    '0004_begin_batch_custom_plans': beginBatchCustomPlans,
    '0005_consumer_instances': consumerInstances,
  };
}

/**
 * Migrates the messaging tables with their own migration history tables, so that their
 * names never interleave with (and block) a service's own migration names. Any schema:
 * the connection is the owner's, before the tables exist.
 */
export async function migrateMessaging<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => messagingMigrations() },
    migrationTableName: 'messaging_migration',
    migrationLockTableName: 'messaging_migration_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    throw result.error instanceof Error
      ? result.error
      : new Error('messaging migration failed', { cause: result.error });
  }
  return result;
}
