-- Mirrors libs/messaging/src/event-store/unit-of-work.ts UnitOfWork.writeEventsAndOutbox()
-- for a unit with events and outbox rows, the first write of its flush (before the
-- projections, which need the events' global positions): ONE statement writes the
-- outbox rows (outbox/enqueue.ts insertOutboxRows), every event the transaction's
-- handlers appended (insertEvents, numbered in memory from the streams as read), and
-- NOTIFY for the relay (delivered on commit). The service reads back each event's
-- global position; here they are aggregated into one row, so that `\gset` can take the
-- outbox ids beside them. `returning id` of the outbox rows and the ids read back are
-- the bench's addition: the relay pass that follows deletes those rows. Events:
-- {{streams}} text[], {{versions}} integer[], {{event_ids}} uuid[], {{types}} text[],
-- {{data}} and {{metadata}} jsonb[]. Outbox rows: {{topics}} {{keys}} text[],
-- {{values}} bytea[], {{headers}} {{trace_contexts}} jsonb[]; their ids go to
-- :{{prefix}}outbox_ids.
with outboxed as (
  insert into outbox (topic, key, value, headers, trace_context)
  select m.topic, m.key, m.value, m.headers, m.trace_context
  from unnest(
    {{topics}}::text[],
    {{keys}}::text[],
    {{values}}::bytea[],
    {{headers}}::jsonb[],
    {{trace_contexts}}::jsonb[]
  ) with ordinality as m(topic, key, value, headers, trace_context, ord)
  order by m.ord
  returning id
), written as (
  insert into events (stream_id, version, event_id, type, data, metadata, recorded_at)
  select e.stream_id, e.version, e.event_id, e.type, e.data, e.metadata, :now
  from unnest(
    {{streams}}::text[],
    {{versions}}::integer[],
    {{event_ids}}::uuid[],
    {{types}}::text[],
    {{data}}::jsonb[],
    {{metadata}}::jsonb[]
  ) with ordinality as e(stream_id, version, event_id, type, data, metadata, ord)
  order by e.ord
  returning event_id, global_position
)
select array_agg(w.event_id)::text as event_ids,
       array_agg(w.global_position)::text as global_positions,
       (select array_agg(id) from outboxed)::text as outbox_ids
from written w, (select pg_notify('orderflow_outbox', '')) as notified \gset {{prefix}}
