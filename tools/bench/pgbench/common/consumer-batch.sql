-- Mirrors libs/messaging/src/consumer/handle-batch.ts handleBatch(), which
-- message-consumer.ts runs once per batch of a partition's records: ONE transaction for
-- the batch, started by ONE statement (consumer/begin-batch.ts beginBatch):
-- orderflow_begin_batch (libs/messaging/src/migrations.ts) locks the keys of all its
-- records (as lock-key.ts lockKeys does; none are held yet at the start of the
-- transaction), records all their ce_ids in the inbox and reads the streams of all their
-- keys, each step a statement of its own inside the function. The including file runs
-- the service's prepareBatch, then what the unit of work's flush writes, and commits.
-- {{keys}}: every lock key of the batch (text[]); {{message_ids}}: the records' ce_ids
-- (text[]).
begin;
select * from orderflow_begin_batch({{keys}}::text[], :consumer, {{message_ids}}::text[],
  {{keys}}::text[]);
