-- A batch of {{batch}} PaymentAuthorized records from payments.events. Mirrors
-- services/orders/src/features/record-saga-facts.ts in the consumer's batch transaction
-- (orders has no prepareBatch): per record a saga_log row (deferred) and
-- RecordPaymentAuthorized through order-commands.ts executeOrderCommand → handleCommand
-- (keys already held, the stream from the batch's read, PaymentAuthorized appended;
-- nothing to publish). The flush: the events, the orders_view patches
-- (projections/orders-view.ts, one update), the saga_log rows (one insert; Kysely's
-- multi-row VALUES is an unnest here). No outbox row, so no outbox statement.
-- @include common/consumer-batch.sql keys=:keys message_ids=:pa_messages
-- @include common/insert-events.sql streams=:streams versions=:pa_versions event_ids=:pa_events types=:pa_types data=:pa_data metadata=:metadata
update orders_view v set
  status = case when patch ? 'status' then patch->>'status' else v.status end,
  cancel_reason = case when patch ? 'cancel_reason' then patch->>'cancel_reason' else v.cancel_reason end,
  cancel_detail = case when patch ? 'cancel_detail' then patch->>'cancel_detail' else v.cancel_detail end,
  payment_id = case when patch ? 'payment_id' then patch->>'payment_id' else v.payment_id end,
  shipment_id = case when patch ? 'shipment_id' then patch->>'shipment_id' else v.shipment_id end,
  updated_at = (patch->>'updated_at')::timestamptz,
  version = (patch->>'version')::integer
from jsonb_array_elements(:pa_patches::jsonb) as p(patch)
where v.order_id = patch->>'order_id' and v.order_id = any(:order_ids::text[]);
insert into saga_log (order_id, event_id, type, source, occurred_at)
select * from unnest(:order_ids::text[], :pa_messages::text[], :pa_types::text[],
  :pa_sources::text[], :occurred::timestamptz[])
on conflict (order_id, event_id) do nothing;
commit;
