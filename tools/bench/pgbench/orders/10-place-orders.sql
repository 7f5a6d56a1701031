-- POST /orders (no Idempotency-Key), {{batch}} requests placed together. Mirrors
-- services/orders/src/features/order-placements.ts OrderPlacements.commit (group commit:
-- one transaction for the requests that arrive while the previous one commits): the
-- keys of every order of the group in one call; per order PlaceOrder through
-- order-commands.ts executeOrderCommand → handleCommand ('no_stream': nothing is read,
-- neither by handleCommand nor by the unit of work's append, libs/messaging/src/
-- event-store/unit-of-work.ts UnitOfWork.append, for a stream expected not to exist);
-- then the unit's flush: the OrderPlaced events and the outbox rows in one statement,
-- the orders_view rows (projections/orders-view.ts, one insert). Then each request's
-- read of its order (http/routes.ts → read-orders.ts findOrder). The admission sample
-- (features/admission.ts, every 250 ms) is not per order.
begin;
-- @include common/lock-keys.sql keys=:keys
-- @include common/insert-events-and-outbox.sql streams=:streams versions=:placed_versions event_ids=:placed_events types=:placed_types data=:placed_data metadata=:metadata topics=:topics keys=:order_ids values=:placed_values headers=:placed_headers trace_contexts=:trace_contexts prefix=placed_
insert into orders_view (order_id, customer_id, correlation_id, status, total_minor,
  currency, items, cancel_reason, cancel_detail, payment_id, shipment_id, placed_at,
  updated_at, version)
select r.order_id, r.customer_id, r.correlation_id, r.status, r.total_minor, r.currency,
  r.items, r.cancel_reason, r.cancel_detail, r.payment_id, r.shipment_id, r.placed_at,
  r.updated_at, r.version
from jsonb_populate_recordset(null::orders_view, :view_rows::jsonb) r;
commit;
-- @repeat {{batch}}
select * from orders_view where order_id = :order_id_{{i}};
-- @end
