-- Mirrors libs/messaging/src/consumer/handle-batch.ts handleBatch(), which
-- message-consumer.ts runs once per batch of a partition's records: ONE transaction for
-- the batch; the keys of all its records locked in one call, all their ce_ids into the
-- inbox in one statement (inbox/inbox.ts recordAllInInbox), the streams of all their keys
-- read in one query (event-store/unit-of-work.ts prefetch → event-store.ts readStreams).
-- The including file runs the service's prepareBatch, then what the unit of work's flush
-- writes, and commits. {{keys}}: every lock key of the batch (text[]); {{message_ids}}:
-- the records' ce_ids (text[]).
begin;
-- @include common/lock-keys.sql keys={{keys}}
insert into inbox (consumer, message_id)
select :consumer, id from unnest({{message_ids}}::text[]) as id
on conflict (consumer, message_id) do nothing
returning message_id;
select * from events where stream_id = any({{keys}}::text[]) order by stream_id, version;
