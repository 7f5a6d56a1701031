import { assertNever } from '@orderflow/decider';
import type {
  ExpectedVersion,
  Executor,
  HandleCommandResult,
  RecordedEvent,
  StreamEvents,
} from '@orderflow/messaging';
import { handleCommand } from '@orderflow/messaging';
import type { Causation, EventPublisher } from '@orderflow/platform';
import type { OrderCommand, OrderEvent, OrderState } from '../domain/order.js';
import { orderDecider } from '../domain/order.js';
import type { OrdersDatabase } from '../infra/database.js';
import { ordersView } from '../projections/orders-view.js';

export const streamOf = (orderId: string) => `order-${orderId}`;

/** The keys an orders transaction for this order locks: its stream and the order. */
export const lockKeysFor = (orderId: string) => [streamOf(orderId), orderId];

/**
 * Runs one command against an order in the caller's transaction: the order's
 * stream, the orders_view row and the outbox rows for the integration events all
 * commit together or not at all.
 */
export function executeOrderCommand(
  trx: Executor<OrdersDatabase>,
  publisher: EventPublisher,
  orderId: string,
  command: OrderCommand,
  causation: Causation,
  stream: {
    /** 'no_stream' for an order id just made up: there is nothing to load. */
    expectedVersion?: ExpectedVersion;
    /** The stream as the caller already read it in this transaction, after locking it. */
    loaded?: StreamEvents<OrderEvent>;
  } = {},
): Promise<HandleCommandResult<OrderEvent, OrderState>> {
  return handleCommand(trx, {
    decider: orderDecider,
    streamId: streamOf(orderId),
    ...stream,
    keys: lockKeysFor(orderId),
    command,
    metadata: { ...causation },
    projections: [ordersView],
    toMessages: (events) =>
      Promise.all(events.flatMap((e) => toIntegration(publisher, orderId, e, causation))),
  });
}

/**
 * The boundary between the aggregate's domain events and the public contract. Only
 * the saga's milestones are published; the payment and shipment facts the order
 * records came from the other services in the first place.
 */
function toIntegration(
  publisher: EventPublisher,
  orderId: string,
  recorded: RecordedEvent<OrderEvent>,
  causation: Causation,
) {
  const event: OrderEvent = recorded;
  const id = recorded.eventId;
  const time = recorded.recordedAt;
  switch (event.type) {
    case 'OrderPlaced': {
      const { shippingAddress, placedAt, ...rest } = event.data;
      const address = { ...shippingAddress, line2: shippingAddress.line2 ?? null };
      return [
        publisher.message(
          'OrderPlaced',
          { ...rest, shippingAddress: address, placedAt: new Date(placedAt) },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'OrderConfirmed': {
      const { paymentId, shipmentId, confirmedAt } = event.data;
      const data = { orderId, paymentId, shipmentId, confirmedAt: new Date(confirmedAt) };
      return [publisher.message('OrderConfirmed', data, causation, time, id)];
    }
    case 'OrderCancelled': {
      const { reason, detail, cancelledAt } = event.data;
      const data = { orderId, reason, detail: detail ?? null, cancelledAt: new Date(cancelledAt) };
      return [publisher.message('OrderCancelled', data, causation, time, id)];
    }
    case 'PaymentAuthorized':
    case 'ShipmentScheduled':
      return [];
    default:
      assertNever(event);
  }
}
