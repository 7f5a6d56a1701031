-- A batch of {{batch}} ShipmentScheduled records from shipping.events: the orders are
-- confirmed. Mirrors services/orders/src/features/record-saga-facts.ts in the consumer's
-- batch transaction: per record a saga_log row (deferred) and RecordShipmentScheduled
-- through handleCommand (ShipmentScheduled + OrderConfirmed appended, OrderConfirmed
-- enqueued). The flush: the events and the outbox rows in one statement, the
-- orders_view patches (projections/orders-view.ts folds an order's two events into one
-- patch: one update), the saga_log rows.
-- @include common/consumer-batch.sql keys=:keys message_ids=:ss_messages
-- @include common/insert-events-and-outbox.sql streams=:ss_streams versions=:ss_versions event_ids=:ss_events types=:ss_types data=:ss_data metadata=:ss_metadata topics=:topics keys=:order_ids values=:confirmed_values headers=:confirmed_headers trace_contexts=:trace_contexts prefix=confirmed_
update orders_view v set
  status = case when patch ? 'status' then patch->>'status' else v.status end,
  cancel_reason = case when patch ? 'cancel_reason' then patch->>'cancel_reason' else v.cancel_reason end,
  cancel_detail = case when patch ? 'cancel_detail' then patch->>'cancel_detail' else v.cancel_detail end,
  payment_id = case when patch ? 'payment_id' then patch->>'payment_id' else v.payment_id end,
  shipment_id = case when patch ? 'shipment_id' then patch->>'shipment_id' else v.shipment_id end,
  updated_at = (patch->>'updated_at')::timestamptz,
  version = (patch->>'version')::integer
from jsonb_array_elements(:ss_patches::jsonb) as p(patch)
where v.order_id = patch->>'order_id' and v.order_id = any(:order_ids::text[]);
insert into saga_log (order_id, event_id, type, source, occurred_at)
select * from unnest(:order_ids::text[], :ss_messages::text[], :ss_log_types::text[],
  :ss_sources::text[], :occurred::timestamptz[])
on conflict (order_id, event_id) do nothing;
commit;
