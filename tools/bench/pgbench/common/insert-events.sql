-- Mirrors libs/messaging/src/event-store/unit-of-work.ts UnitOfWork.writeEventsAndOutbox()
-- for a unit with events and no outbox row, the first write of its flush: every event
-- the transaction's handlers appended (numbered in memory from the streams as read) in
-- one insert from unnest (insertEvents). {{streams}} text[], {{versions}} integer[],
-- {{event_ids}} uuid[], {{types}} text[], {{data}} and {{metadata}} jsonb[].
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
returning event_id, global_position;
