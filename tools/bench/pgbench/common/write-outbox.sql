-- Mirrors libs/messaging/src/outbox/enqueue.ts writeOutbox(), the outbox write of the
-- notification sender's markSent (no unit of work there) and of a unit of work's flush
-- without events: every outbox row of the transaction in one insert, and NOTIFY for the
-- relay (delivered on commit). `returning id` and the ids read back are the bench's
-- addition: the relay pass that follows deletes those rows. {{topics}} {{keys}} text[],
-- {{values}} bytea[], {{headers}} {{trace_contexts}} jsonb[]; the ids go to
-- :{{prefix}}outbox_ids.
with written as (
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
)
select pg_notify('orderflow_outbox', '') as notified,
       (select array_agg(id) from written)::text as outbox_ids \gset {{prefix}}
