-- The bench's own setup, not the service's work: the ids and payloads of this run's
-- {{batch}} orders (one batch) as arrays, for the transaction files that follow. What
-- must differ per order is made every run, in one select: ids, event ids, ce_ids, a
-- customer of the 1,000 seeded and an amount per order, and what the service computes
-- from them in memory (the batch's customers sorted, batch-balances.ts load; the
-- balance change summed per customer, projections/ledger.ts moveBalances). The
-- payloads, whose content costs the database nothing but their size, are made once per
-- client.
-- @define ready=0
\if :ready = 0
select 1 as ready,
  'pgbench.payments' as consumer,
  '{}' as no_ids,
  array_fill('{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}'::jsonb,
    array[{{batch}}])::text as trace_contexts,
  array_fill(jsonb_build_object('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'correlationId', gen_random_uuid(), 'causationId', gen_random_uuid()), array[{{batch}}])::text as metadata,
  array_fill(1, array[{{batch}}])::text as authorized_versions,
  array_fill('PaymentAuthorized'::text, array[{{batch}}])::text as authorized_types,
  array_fill(jsonb_build_object('orderId', gen_random_uuid(), 'paymentId', gen_random_uuid(),
    'customerId', 'bench-c-00042', 'amount', jsonb_build_object('amountMinor', 6335, 'currency', 'EUR'),
    'at', now()), array[{{batch}}])::text as authorized_data,
  array_fill('bench.payments.events'::text, array[{{batch}}])::text as topics,
  array_fill(decode(repeat('ab', 150), 'hex'), array[{{batch}}])::text as authorized_values,
  array_fill(jsonb_build_object('ce_id', gen_random_uuid(), 'ce_type', 'orderflow.payments.PaymentAuthorized',
    'ce_source', '/orderflow/payments', 'ce_specversion', '1.0', 'ce_time', now(), 'ce_subject', gen_random_uuid(),
    'correlation-id', gen_random_uuid(), 'causation-id', gen_random_uuid()), array[{{batch}}])::text
    as authorized_headers \gset
\endif
with o as materialized (
  select i, gen_random_uuid()::text as id,
         'bench-c-' || lpad(floor(random() * 1000)::int::text, 5, '0') as customer,
         100 + floor(random() * 28900)::bigint as amount
  from generate_series(1, {{batch}}) as i
)
select
  now()::text as now,
  a.ids::text as order_ids,
  a.streams::text as streams,
  a.keys::text as keys,
  a.placed_messages::text as placed_messages,
  a.authorized_events::text as authorized_events,
  a.view_rows::text as view_rows,
  c.customers::text as customers,
  c.deltas::text as deltas
from (
  -- Two rows per order (j): per-order arrays take j = 1, the lock keys both.
  select
    array_agg(id order by i) filter (where j = 1) as ids,
    array_agg('payment-' || id order by i) filter (where j = 1) as streams,
    array_agg(case j when 1 then 'payment-' || id else id end order by i, j) as keys,
    array_agg(gen_random_uuid()::text order by i) filter (where j = 1) as placed_messages,
    array_agg(gen_random_uuid() order by i) filter (where j = 1) as authorized_events,
    jsonb_agg(jsonb_build_object('order_id', id, 'payment_id', gen_random_uuid(), 'customer_id', customer,
      'amount_minor', amount, 'currency', 'EUR', 'status', 'AUTHORIZED', 'reason', null,
      'updated_at', now()) order by i) filter (where j = 1) as view_rows
  from o, generate_series(1, 2) as j
) a, (
  select array_agg(customer order by customer) as customers,
         array_agg(-amount order by customer) as deltas
  from (select customer, sum(amount) as amount from o group by customer) per_customer
) c \gset
