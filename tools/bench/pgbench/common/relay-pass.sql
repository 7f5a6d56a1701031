-- Mirrors libs/messaging/src/outbox/relay.ts publishBatch() and outbox-rows.ts
-- takeCommitted: the relay leader's pass (leader-loop.ts) after a commit's NOTIFY. Each
-- read is one statement that first deletes the rows the previous read returned and Kafka
-- acknowledged, then returns the committed rows after them in (tx_id, id) order, up to
-- 500. The pass's first read deletes nothing (its previous read found nothing); after
-- Kafka acknowledged what it returned, the loop runs the next read at once, because
-- this one published: it deletes those rows and finds nothing new (at these rates), and
-- the relay waits for the next NOTIFY. {{ids}}: the outbox ids the including transaction
-- wrote (bigint[]). The leader's once-a-second liveness check (leader-session.ts
-- stillHeld) is not per order and is left out.
with published as (delete from outbox where id = any(:no_ids::bigint[]))
select id, topic, key, value, headers, trace_context, created_at
from outbox
where id <> all(:no_ids::bigint[])
order by tx_id, id
limit 500;
with published as (delete from outbox where id = any({{ids}}::bigint[]))
select id, topic, key, value, headers, trace_context, created_at
from outbox
where id <> all({{ids}}::bigint[])
order by tx_id, id
limit 500;
