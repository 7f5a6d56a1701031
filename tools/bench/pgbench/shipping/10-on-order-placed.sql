-- A batch of {{batch}} OrderPlaced records from orders.events (before the payments):
-- note the orders. Mirrors the consumer's batch transaction in services/shipping/src:
-- features/batch-stock.ts prepareBatch (the stock rows of the batch's lines locked and
-- read, in SKU order; Kysely's `in (…)` list is `= any` here), then per record
-- shipment-commands.ts handle (RecordOrderPlaced through handleCommand with the stream
-- from the batch's read: OrderNoted appended; no stock needed before the payment), and
-- the flush: the events, projections/reservations.ts writeShipments (the update finds
-- no row yet, the insert creates them). OrderNoted is not published: no outbox statement.
-- The OrderConfirmed records are not reacted to (shipment-commands.ts reactsTo): no
-- transaction at all.
-- @include common/consumer-batch.sql keys=:keys message_ids=:placed_messages
select sku, available from stock where sku = any(:skus::text[]) order by sku for update;
-- @include common/insert-events.sql streams=:streams versions=:noted_versions event_ids=:noted_events types=:noted_types data=:noted_data metadata=:metadata
update shipments_view v set
  status = case when p ? 'status' then r.status else v.status end,
  shipment_id = case when p ? 'shipment_id' then r.shipment_id else v.shipment_id end,
  carrier = case when p ? 'carrier' then r.carrier else v.carrier end,
  eta = case when p ? 'eta' then r.eta else v.eta end,
  lines = case when p ? 'lines' then r.lines else v.lines end,
  failure_reason = case when p ? 'failure_reason' then r.failure_reason else v.failure_reason end,
  failure_detail = case when p ? 'failure_detail' then r.failure_detail else v.failure_detail end,
  updated_at = r.updated_at
from jsonb_array_elements(:noted_patches::jsonb) as e(p),
  jsonb_populate_record(null::shipments_view, e.p) as r
where v.order_id = r.order_id and v.order_id = any(:order_ids::text[])
returning v.order_id;
insert into shipments_view (order_id, shipment_id, status, carrier, eta, lines,
  failure_reason, failure_detail, updated_at)
select r.order_id, r.shipment_id, coalesce(r.status, 'OPEN'), r.carrier, r.eta, r.lines,
  r.failure_reason, r.failure_detail, r.updated_at
from jsonb_populate_recordset(null::shipments_view, :noted_patches::jsonb) r;
commit;
