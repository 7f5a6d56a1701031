-- Mirrors libs/messaging/src/outbox/relay.ts publishBatch() and outbox-rows.ts: the
-- relay leader's pass (leader-loop.ts) after a commit's NOTIFY. The committed rows in
-- (tx_id, id) order, up to 500, leaving out those still being deleted (none yet); after
-- Kafka acknowledged them, their delete; then the next pass, which the loop runs at once
-- because this one published, leaving out the rows being deleted: it finds nothing new
-- (at these rates) and the relay waits for the next NOTIFY. The relay's delete runs
-- beside that next read; here it runs before it. {{ids}}: the outbox ids the including
-- transaction wrote (bigint[]). The leader's once-a-second liveness check
-- (leader-session.ts stillHeld) is not per order and is left out.
select id, topic, key, value, headers, trace_context, created_at
from outbox
where id <> all(:no_ids::bigint[])
order by tx_id, id
limit 500;
delete from outbox where id = any({{ids}}::bigint[]);
select id, topic, key, value, headers, trace_context, created_at
from outbox
where id <> all({{ids}}::bigint[])
order by tx_id, id
limit 500;
