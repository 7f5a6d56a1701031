-- One batch of orders.events records: {{placed}} OrderPlaced and {{confirmed}}
-- OrderConfirmed. Mirrors services/notifications/src/features/record-order-outcomes.ts
-- in the consumer's batch transaction: prepareBatch (the contacts of the batch's
-- outcomes read in one query; Kysely's `in (…)` list is `= any` here), then per record
-- handle (OrderPlaced: a contact, deferred; OrderConfirmed: a PENDING notification,
-- deferred), and the flush: the contacts in one insert, the notifications in one insert
-- and NOTIFY for the sender (Kysely's multi-row VALUES are unnests here). Nothing goes to
-- the outbox or the event store: no outbox statement, and orderflow_begin_batch's stream
-- read (of the order ids) finds nothing. {{tx}}: the setup's variable prefix of this
-- transaction.
-- @include common/consumer-batch.sql keys=:{{tx}}_keys message_ids=:{{tx}}_messages
\if {{confirmed}} > 0
select * from order_contacts where order_id = any(:{{tx}}_confirmed_ids::text[]);
\endif
\if {{placed}} > 0
insert into order_contacts (order_id, customer_id, email, total_minor, currency, placed_at)
select * from unnest(:{{tx}}_contact_ids::text[], :{{tx}}_contact_customers::text[],
  :{{tx}}_contact_emails::text[], :{{tx}}_contact_totals::bigint[],
  :{{tx}}_contact_currencies::text[], :{{tx}}_contact_placed::timestamptz[])
on conflict (order_id) do nothing;
\endif
\if {{confirmed}} > 0
insert into notifications (order_id, kind, customer_id, recipient, subject, body, message_id,
  correlation_id, causation_id, trace_context)
select * from unnest(:{{tx}}_confirmed_ids::text[], :{{tx}}_kinds::text[],
  :{{tx}}_customers::text[], :{{tx}}_recipients::text[], :{{tx}}_subjects::text[],
  :{{tx}}_bodies::text[], :{{tx}}_message_ids::text[], :{{tx}}_correlation_ids::text[],
  :{{tx}}_causation_ids::text[], :{{tx}}_trace_contexts::jsonb[])
on conflict (order_id, kind) do nothing
returning order_id;
select pg_notify('orderflow_notifications', '');
\endif
commit;
