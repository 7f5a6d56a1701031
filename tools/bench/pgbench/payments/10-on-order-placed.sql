-- A batch of {{batch}} OrderPlaced records from orders.events: authorize. Mirrors the
-- consumer's batch transaction in services/payments/src: features/batch-balances.ts
-- prepareBatch (the batch's accounts locked and read, in customer order; Kysely's
-- `in (…)` list is `= any` here), then per record payment-commands.ts handle
-- (AuthorizePayment through handleCommand: PaymentAuthorized appended and enqueued),
-- and the flush: the events and the outbox rows in one statement, projections/ledger.ts
-- (balances moved per customer in one update, payments_view rows in one upsert).
-- The OrderConfirmed (orders.events) and ShipmentScheduled (shipping.events) records of
-- the order are not reacted to (payment-commands.ts reactsTo): no transaction at all.
-- @include common/consumer-batch.sql keys=:keys message_ids=:placed_messages
select customer_id, balance_minor, currency from accounts
where customer_id = any(:customers::text[])
order by customer_id
for update;
-- @include common/insert-events-and-outbox.sql streams=:streams versions=:authorized_versions event_ids=:authorized_events types=:authorized_types data=:authorized_data metadata=:metadata topics=:topics keys=:order_ids values=:authorized_values headers=:authorized_headers trace_contexts=:trace_contexts prefix=authorized_
update accounts a set balance_minor = a.balance_minor + d.delta, updated_at = now()
from unnest(:customers::text[], :deltas::bigint[]) as d(customer_id, delta)
where a.customer_id = d.customer_id
returning a.customer_id;
insert into payments_view (order_id, payment_id, customer_id, amount_minor, currency,
  status, reason, updated_at)
select r.order_id, r.payment_id, r.customer_id, r.amount_minor, r.currency, r.status,
  r.reason, r.updated_at
from jsonb_populate_recordset(null::payments_view, :view_rows::jsonb) r
on conflict (order_id) do update set payment_id = excluded.payment_id,
  customer_id = excluded.customer_id, amount_minor = excluded.amount_minor,
  currency = excluded.currency, status = excluded.status, reason = excluded.reason,
  updated_at = excluded.updated_at;
commit;
