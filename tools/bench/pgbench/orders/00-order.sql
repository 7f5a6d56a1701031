-- The bench's own setup, not the service's work: the ids and payloads of this run's
-- {{batch}} orders (one batch) as arrays, for the transaction files that follow. What
-- must differ per order (ids, event ids, ce_ids, the rows keyed by order id) is made
-- every run, in one select; the payloads, whose content costs the database nothing but
-- their size, once per client (an OrderPlaced with two lines, say).
-- @define ready=0
\if :ready = 0
select 1 as ready,
  'pgbench.orders' as consumer,
  '{}' as no_ids,
  array_fill('{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}'::jsonb,
    array[{{batch}}])::text as trace_contexts,
  array_fill(jsonb_build_object('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'correlationId', gen_random_uuid(), 'causationId', gen_random_uuid()), array[{{batch}}])::text as metadata,
  array_fill('bench.orders.events'::text, array[{{batch}}])::text as topics,
  array_fill(1, array[{{batch}}])::text as placed_versions,
  array_fill('OrderPlaced'::text, array[{{batch}}])::text as placed_types,
  array_fill(jsonb_build_object('orderId', gen_random_uuid(), 'customerId', 'bench-c-00042',
    'items', v.items, 'total', jsonb_build_object('amountMinor', 6335, 'currency', 'EUR'),
    'shippingAddress', jsonb_build_object('recipient', 'Customer 42', 'line1', '17 Bench Street',
      'city', 'Lisbon', 'postalCode', '1000-001', 'country', 'PT'),
    'placedAt', now()), array[{{batch}}])::text as placed_data,
  jsonb_build_object('customer_id', 'bench-c-00042', 'correlation_id', gen_random_uuid(),
    'status', 'PENDING', 'total_minor', 6335, 'currency', 'EUR', 'items', v.items,
    'cancel_reason', null, 'cancel_detail', null, 'payment_id', null, 'shipment_id', null,
    'placed_at', now(), 'updated_at', now(), 'version', 1)::text as view_row,
  array_fill(decode(repeat('ab', 300), 'hex'), array[{{batch}}])::text as placed_values,
  array_fill(jsonb_build_object('ce_id', gen_random_uuid(), 'ce_type', 'orderflow.orders.OrderPlaced',
    'ce_source', '/orderflow/orders', 'ce_specversion', '1.0', 'ce_time', now(), 'ce_subject', gen_random_uuid(),
    'correlation-id', gen_random_uuid(), 'causation-id', gen_random_uuid()), array[{{batch}}])::text as placed_headers,
  array_fill(2, array[{{batch}}])::text as pa_versions,
  array_fill('PaymentAuthorized'::text, array[{{batch}}])::text as pa_types,
  array_fill(jsonb_build_object('paymentId', gen_random_uuid(), 'at', now()), array[{{batch}}])::text as pa_data,
  array_fill('/orderflow/payments'::text, array[{{batch}}])::text as pa_sources,
  -- ShipmentScheduled then OrderConfirmed per order: the two events one record appends.
  (select array_agg(v order by i, j) from generate_series(1, {{batch}}) i, unnest(array[3, 4]) with ordinality as e(v, j))::text
    as ss_versions,
  (select array_agg(v order by i, j) from generate_series(1, {{batch}}) i,
    unnest(array['ShipmentScheduled', 'OrderConfirmed']) with ordinality as e(v, j))::text as ss_types,
  (select array_agg(v order by i, j) from generate_series(1, {{batch}}) i,
    unnest(array[jsonb_build_object('shipmentId', gen_random_uuid(), 'at', now()),
      jsonb_build_object('paymentId', gen_random_uuid(), 'shipmentId', gen_random_uuid(), 'confirmedAt', now())])
    with ordinality as e(v, j))::text as ss_data,
  array_fill(jsonb_build_object('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'correlationId', gen_random_uuid(), 'causationId', gen_random_uuid()), array[2 * {{batch}}])::text as ss_metadata,
  array_fill('ShipmentScheduled'::text, array[{{batch}}])::text as ss_log_types,
  array_fill('/orderflow/shipping'::text, array[{{batch}}])::text as ss_sources,
  array_fill(decode(repeat('ab', 120), 'hex'), array[{{batch}}])::text as confirmed_values,
  array_fill(jsonb_build_object('ce_id', gen_random_uuid(), 'ce_type', 'orderflow.orders.OrderConfirmed',
    'ce_source', '/orderflow/orders', 'ce_specversion', '1.0', 'ce_time', now(), 'ce_subject', gen_random_uuid(),
    'correlation-id', gen_random_uuid(), 'causation-id', gen_random_uuid()), array[{{batch}}])::text as confirmed_headers
from (select jsonb_build_array(
  jsonb_build_object('sku', 'BENCH-SKU-0123', 'quantity', 2,
    'unitPrice', jsonb_build_object('amountMinor', 1990, 'currency', 'EUR')),
  jsonb_build_object('sku', 'BENCH-SKU-0321', 'quantity', 1,
    'unitPrice', jsonb_build_object('amountMinor', 2355, 'currency', 'EUR'))) as items) v \gset
\endif
with o as materialized (
  select i, gen_random_uuid()::text as id from generate_series(1, {{batch}}) as i
)
select
-- @repeat {{batch}}
  a.ids[{{i}}] as order_id_{{i}},
-- @end
  now()::text as now,
  a.ids::text as order_ids,
  a.streams::text as streams,
  a.keys::text as keys,
  a.placed_events::text as placed_events,
  a.view_rows::text as view_rows,
  a.pa_messages::text as pa_messages,
  a.pa_events::text as pa_events,
  a.pa_patches::text as pa_patches,
  a.ss_messages::text as ss_messages,
  a.ss_streams::text as ss_streams,
  a.ss_events::text as ss_events,
  a.ss_patches::text as ss_patches,
  array_fill(now(), array[{{batch}}])::text as occurred
from (
  -- Two rows per order (j): per-order arrays take j = 1, the per-event ones both.
  select
    array_agg(id order by i) filter (where j = 1) as ids,
    array_agg('order-' || id order by i) filter (where j = 1) as streams,
    array_agg(case j when 1 then 'order-' || id else id end order by i, j) as keys,
    array_agg(gen_random_uuid() order by i) filter (where j = 1) as placed_events,
    jsonb_agg(jsonb_build_object('order_id', id) || :view_row::jsonb order by i) filter (where j = 1) as view_rows,
    array_agg(gen_random_uuid()::text order by i) filter (where j = 1) as pa_messages,
    array_agg(gen_random_uuid() order by i) filter (where j = 1) as pa_events,
    jsonb_agg(jsonb_build_object('order_id', id, 'payment_id', gen_random_uuid(), 'updated_at', now(),
      'version', 2) order by i) filter (where j = 1) as pa_patches,
    array_agg(gen_random_uuid()::text order by i) filter (where j = 1) as ss_messages,
    array_agg('order-' || id order by i, j) as ss_streams,
    array_agg(gen_random_uuid() order by i, j) as ss_events,
    jsonb_agg(jsonb_build_object('order_id', id, 'shipment_id', gen_random_uuid(), 'status', 'CONFIRMED',
      'updated_at', now(), 'version', 4) order by i) filter (where j = 1) as ss_patches
  from o, generate_series(1, 2) as j
) a \gset
