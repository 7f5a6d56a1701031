-- The e-mails, once the SMTP server accepted them (SMTP itself is not in a database
-- benchmark): one pass of the sender for the {{batch}} notifications this run created.
-- Mirrors services/notifications/src/features/notification-sender.ts sendDue (the due
-- rows; `now()` where the service passes its clock) and deliver-notification.ts markSent
-- (one group commit: the rows' keys locked in one call, the rows marked SENT in one
-- update, one NotificationSent each enqueued; Kysely's tuple `in (…)` list is an unnest
-- here), then the pass the sender's loop runs at once after a pass that sent, which finds
-- nothing due. The leader's once-a-second liveness check is not per order.
select * from notifications where status = 'PENDING' and next_attempt_at <= now()
order by next_attempt_at limit 200;
begin;
-- @include common/lock-keys.sql keys=:sent_ids
update notifications set status = 'SENT', sent_at = :now, attempts = attempts + 1, last_error = null
where status = 'PENDING'
  and (order_id, kind) in (select o, 'ORDER_CONFIRMED' from unnest(:sent_ids::text[]) as o)
returning order_id, kind;
-- @include common/write-outbox.sql topics=:sent_topics keys=:sent_ids values=:sent_values headers=:sent_headers trace_contexts=:sent_trace_contexts prefix=sent_
commit;
select * from notifications where status = 'PENDING' and next_attempt_at <= now()
order by next_attempt_at limit 200;
