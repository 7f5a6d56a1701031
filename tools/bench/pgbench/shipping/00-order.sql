-- The bench's own setup, not the service's work: the ids and payloads of this run's
-- {{batch}} orders (one batch) as arrays, for the transaction files that follow. What
-- must differ per order is made every run, in one select: ids, event ids, ce_ids, one
-- or two lines of the 500 seeded SKUs per order, and what the service computes from
-- them in memory (the batch's SKUs sorted, batch-stock.ts load; the units summed per
-- SKU, projections/reservations.ts moveStock). The payloads, whose content costs the
-- database nothing but their size, are made once per client.
-- @define ready=0
\if :ready = 0
select 1 as ready,
  'pgbench.shipping' as consumer,
  '{}' as no_ids,
  array_fill('{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}'::jsonb,
    array[{{batch}}])::text as trace_contexts,
  array_fill(jsonb_build_object('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'correlationId', gen_random_uuid(), 'causationId', gen_random_uuid()), array[{{batch}}])::text as metadata,
  array_fill(1, array[{{batch}}])::text as noted_versions,
  array_fill('OrderNoted'::text, array[{{batch}}])::text as noted_types,
  array_fill(jsonb_build_object('orderId', gen_random_uuid(), 'lines', v.lines, 'address',
    jsonb_build_object('recipient', 'Customer 42', 'line1', '17 Bench Street', 'city', 'Lisbon',
      'postalCode', '1000-001', 'country', 'PT')), array[{{batch}}])::text as noted_data,
  -- PaymentNoted then ShipmentScheduled per order: the two events one record appends.
  (select array_agg(x order by i, j) from generate_series(1, {{batch}}) i,
    unnest(array[2, 3]) with ordinality as e(x, j))::text as paid_versions,
  (select array_agg(x order by i, j) from generate_series(1, {{batch}}) i,
    unnest(array['PaymentNoted', 'ShipmentScheduled']) with ordinality as e(x, j))::text as paid_types,
  (select array_agg(x order by i, j) from generate_series(1, {{batch}}) i,
    unnest(array[jsonb_build_object('orderId', gen_random_uuid(), 'paymentId', gen_random_uuid()),
      jsonb_build_object('orderId', gen_random_uuid(), 'shipmentId', gen_random_uuid(), 'lines', v.lines,
        'carrier', 'orderflow-post', 'eta', now() + interval '2 days')]) with ordinality as e(x, j))::text
    as paid_data,
  array_fill(jsonb_build_object('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'correlationId', gen_random_uuid(), 'causationId', gen_random_uuid()), array[2 * {{batch}}])::text as paid_metadata,
  array_fill('bench.shipping.events'::text, array[{{batch}}])::text as topics,
  array_fill(decode(repeat('ab', 200), 'hex'), array[{{batch}}])::text as scheduled_values,
  array_fill(jsonb_build_object('ce_id', gen_random_uuid(), 'ce_type', 'orderflow.shipping.ShipmentScheduled',
    'ce_source', '/orderflow/shipping', 'ce_specversion', '1.0', 'ce_time', now(), 'ce_subject', gen_random_uuid(),
    'correlation-id', gen_random_uuid(), 'causation-id', gen_random_uuid()), array[{{batch}}])::text
    as scheduled_headers
from (select jsonb_build_array(jsonb_build_object('sku', 'BENCH-SKU-0123', 'quantity', 2),
  jsonb_build_object('sku', 'BENCH-SKU-0321', 'quantity', 1)) as lines) v \gset
\endif
with o as materialized (
  select i, gen_random_uuid()::text as id,
         1 + floor(random() * 2)::int as nlines,
         floor(random() * 500)::int as sku0,
         floor(random() * 499)::int as step
  from generate_series(1, {{batch}}) as i
), l as materialized (
  -- The order's lines: one or two distinct SKUs, 1 to 3 units each.
  select o.i, o.id, k,
         'BENCH-SKU-' || lpad(((o.sku0 + (k - 1) * (1 + o.step)) % 500)::text, 4, '0') as sku,
         1 + floor(random() * 3)::int as quantity
  from o, generate_series(1, o.nlines) as k
), ln as (
  select i, id, jsonb_agg(jsonb_build_object('sku', sku, 'quantity', quantity) order by k) as lines
  from l group by i, id
)
select
  now()::text as now,
  a.ids::text as order_ids,
  a.streams::text as streams,
  a.keys::text as keys,
  a.placed_messages::text as placed_messages,
  a.noted_events::text as noted_events,
  a.noted_patches::text as noted_patches,
  a.paid_messages::text as paid_messages,
  a.paid_streams::text as paid_streams,
  a.paid_events::text as paid_events,
  a.scheduled_patches::text as scheduled_patches,
  m.skus::text as skus,
  m.units::text as units
from (
  -- Two rows per order (j): per-order arrays take j = 1, the per-event ones both.
  select
    array_agg(id order by i) filter (where j = 1) as ids,
    array_agg('shipment-' || id order by i) filter (where j = 1) as streams,
    array_agg(case j when 1 then 'shipment-' || id else id end order by i, j) as keys,
    array_agg(gen_random_uuid()::text order by i) filter (where j = 1) as placed_messages,
    array_agg(gen_random_uuid() order by i) filter (where j = 1) as noted_events,
    jsonb_agg(jsonb_build_object('order_id', id, 'lines', lines, 'updated_at', now()) order by i)
      filter (where j = 1) as noted_patches,
    array_agg(gen_random_uuid()::text order by i) filter (where j = 1) as paid_messages,
    array_agg('shipment-' || id order by i, j) as paid_streams,
    array_agg(gen_random_uuid() order by i, j) as paid_events,
    jsonb_agg(jsonb_build_object('order_id', id, 'status', 'SCHEDULED', 'shipment_id', gen_random_uuid(),
      'carrier', 'orderflow-post', 'eta', now() + interval '2 days', 'lines', lines,
      'updated_at', now()) order by i) filter (where j = 1) as scheduled_patches
  from ln, generate_series(1, 2) as j
) a, (
  select array_agg(sku order by sku) as skus, array_agg(units order by sku) as units
  from (select sku, sum(quantity)::int as units from l group by sku) per_sku
) m \gset
