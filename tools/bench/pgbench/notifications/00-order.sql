-- The bench's own setup, not the service's work: the ids and payloads of this run's
-- {{batch}} orders as arrays, for the transaction files that follow. orders.events
-- carries both records of an order, and a partition's batch holds whatever arrived
-- since the last one: OrderPlaced of new orders beside OrderConfirmed of orders placed
-- a batch or more earlier. So each run is two transactions of {{batch}} records: the
-- first places the first half of the run's orders and confirms those the previous run
-- placed in its second transaction (:carry; none in a client's first run), the second
-- places the second half and confirms the first. What must differ per order (ids,
-- ce_ids, Message-IDs) is made every run, in one select; the payloads, whose content
-- costs the database nothing but their size, once per client.
-- @define ready=0
-- @define carry={}
\set half ({{batch}} + 1) / 2
\set rest {{batch}} - :half
\if :ready = 0
select 1 as ready,
  'pgbench.notifications' as consumer,
  '{}' as no_ids,
  'bench-c-00042' as customer,
  'bench-c-00042@customers.orderflow.test' as email,
  gen_random_uuid()::text as correlation_id,
  '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}' as trace_context,
  'Your order 0af76519 is confirmed' as subject,
  'Hello,' || chr(10) || chr(10) || 'your order is confirmed: it is paid and its shipment is scheduled.'
    || chr(10) || chr(10) || 'Order: 0af76519-16cd-43dd-8448-eb211c80319c' || chr(10) || 'Total: EUR 63.35'
    || chr(10) || chr(10) || 'Thank you for your order.' || chr(10) as body,
  jsonb_build_object('ce_id', gen_random_uuid(), 'ce_type', 'orderflow.notifications.NotificationSent',
    'ce_source', '/orderflow/notifications', 'ce_specversion', '1.0', 'ce_time', now(),
    'ce_subject', gen_random_uuid(), 'correlation-id', gen_random_uuid(),
    'causation-id', gen_random_uuid())::text as sent_header \gset
\endif
with o as materialized (
  select i, gen_random_uuid()::text as id from generate_series(1, {{batch}}) as i
), r as materialized (
  -- The records of the run's two transactions.
  select 1 as tx, true as placed, id from o where i <= :half
  union all select 1, false, id from unnest(:carry::text[]) as id
  union all select 2, true, id from o where i > :half
  union all select 2, false, id from o where i <= :half
), t as (
  select tx,
    array_agg(id) as keys,
    array_agg(gen_random_uuid()::text) as messages,
    count(*) filter (where placed) as placed,
    coalesce(array_agg(id) filter (where placed), '{}') as contact_ids,
    count(*) filter (where not placed) as confirmed,
    coalesce(array_agg(id) filter (where not placed), '{}') as confirmed_ids,
    coalesce(array_agg('<' || id || '.ORDER_CONFIRMED@orderflow>') filter (where not placed), '{}') as message_ids,
    coalesce(array_agg(gen_random_uuid()::text) filter (where not placed), '{}') as causation_ids
  from r group by tx
), sent as (
  -- The rows the sender's pass marks SENT: every order this run confirmed.
  select coalesce(array_agg(id), '{}') as ids, count(*)::int as n from r where not placed
)
select
-- @repeat 2
  t{{i}}.keys::text as tx{{i}}_keys,
  t{{i}}.messages::text as tx{{i}}_messages,
  t{{i}}.contact_ids::text as tx{{i}}_contact_ids,
  array_fill(:customer::text, array[t{{i}}.placed::int])::text as tx{{i}}_contact_customers,
  array_fill(:email::text, array[t{{i}}.placed::int])::text as tx{{i}}_contact_emails,
  array_fill(6335, array[t{{i}}.placed::int])::text as tx{{i}}_contact_totals,
  array_fill('EUR'::text, array[t{{i}}.placed::int])::text as tx{{i}}_contact_currencies,
  array_fill(now(), array[t{{i}}.placed::int])::text as tx{{i}}_contact_placed,
  t{{i}}.confirmed_ids::text as tx{{i}}_confirmed_ids,
  array_fill('ORDER_CONFIRMED'::text, array[t{{i}}.confirmed::int])::text as tx{{i}}_kinds,
  array_fill(:customer::text, array[t{{i}}.confirmed::int])::text as tx{{i}}_customers,
  array_fill(:email::text, array[t{{i}}.confirmed::int])::text as tx{{i}}_recipients,
  array_fill(:subject::text, array[t{{i}}.confirmed::int])::text as tx{{i}}_subjects,
  array_fill(:body::text, array[t{{i}}.confirmed::int])::text as tx{{i}}_bodies,
  t{{i}}.message_ids::text as tx{{i}}_message_ids,
  array_fill(:correlation_id::text, array[t{{i}}.confirmed::int])::text as tx{{i}}_correlation_ids,
  t{{i}}.causation_ids::text as tx{{i}}_causation_ids,
  array_fill(:trace_context::jsonb, array[t{{i}}.confirmed::int])::text as tx{{i}}_trace_contexts,
-- @end
  (select coalesce(array_agg(id), '{}') from o where i > :half)::text as carry,
  now()::text as now,
  sent.ids::text as sent_ids,
  array_fill('bench.notifications.events'::text, array[sent.n])::text as sent_topics,
  array_fill(decode(repeat('ab', 100), 'hex'), array[sent.n])::text as sent_values,
  array_fill(:sent_header::jsonb, array[sent.n])::text as sent_headers,
  array_fill(:trace_context::jsonb, array[sent.n])::text as sent_trace_contexts
from t as t1, t as t2, sent
where t1.tx = 1 and t2.tx = 2 \gset
