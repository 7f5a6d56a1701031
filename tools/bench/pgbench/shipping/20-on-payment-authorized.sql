-- A batch of {{batch}} PaymentAuthorized records from payments.events: reserve and
-- schedule. Mirrors the consumer's batch transaction in services/shipping/src:
-- features/batch-stock.ts prepareBatch (the lines of the batch's orders from
-- shipments_view, then their stock rows locked and read in SKU order), then per record
-- shipment-commands.ts handle (RecordPaymentAuthorized through handleCommand:
-- PaymentNoted + ShipmentScheduled appended, ShipmentScheduled enqueued), and the flush:
-- the events and the outbox rows in one statement, projections/reservations.ts (the
-- units moved per SKU in one update, the shipments_view rows patched in one update; all
-- exist, so no insert).
-- @include common/consumer-batch.sql keys=:keys message_ids=:paid_messages
select lines from shipments_view where order_id = any(:order_ids::text[]);
select sku, available from stock where sku = any(:skus::text[]) order by sku for update;
-- @include common/insert-events-and-outbox.sql streams=:paid_streams versions=:paid_versions event_ids=:paid_events types=:paid_types data=:paid_data metadata=:paid_metadata topics=:topics keys=:order_ids values=:scheduled_values headers=:scheduled_headers trace_contexts=:trace_contexts prefix=scheduled_
update stock s set available = s.available - m.units, reserved = s.reserved + m.units,
  updated_at = now()
from unnest(:skus::text[], :units::integer[]) as m(sku, units)
where s.sku = m.sku
returning s.sku;
update shipments_view v set
  status = case when p ? 'status' then r.status else v.status end,
  shipment_id = case when p ? 'shipment_id' then r.shipment_id else v.shipment_id end,
  carrier = case when p ? 'carrier' then r.carrier else v.carrier end,
  eta = case when p ? 'eta' then r.eta else v.eta end,
  lines = case when p ? 'lines' then r.lines else v.lines end,
  failure_reason = case when p ? 'failure_reason' then r.failure_reason else v.failure_reason end,
  failure_detail = case when p ? 'failure_detail' then r.failure_detail else v.failure_detail end,
  updated_at = r.updated_at
from jsonb_array_elements(:scheduled_patches::jsonb) as e(p),
  jsonb_populate_record(null::shipments_view, e.p) as r
where v.order_id = r.order_id and v.order_id = any(:order_ids::text[])
returning v.order_id;
commit;
