/**
 * Shipping's saga reactions, pure: note the order and the payment in either order,
 * release on cancellation. The decider reserves and schedules once it knows both.
 * What a command needs from outside — ids, time, the stock of the order's SKUs and
 * the carrier policy — arrives in the context the shell gathered.
 */
import { assertNever } from '@orderflow/decider';
import type { IntegrationEvent } from '@orderflow/events';
import type { Context, Line, ShipmentCommand, ShipmentState } from './shipment.js';

/** The events shipping acts on; the others it consumes are only acknowledged. */
export const reactsTo = (event: IntegrationEvent): boolean =>
  event.type === 'OrderPlaced' ||
  event.type === 'PaymentAuthorized' ||
  event.type === 'OrderCancelled';

export function react(event: IntegrationEvent, context: Context): ShipmentCommand[] {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, items, shippingAddress } = event.data;
      const lines = items.map(({ sku, quantity }) => ({ sku, quantity }));
      const data = { orderId, lines, address: shippingAddress };
      return [{ type: 'RecordOrderPlaced', data, context }];
    }
    case 'PaymentAuthorized': {
      const { orderId, paymentId } = event.data;
      return [{ type: 'RecordPaymentAuthorized', data: { orderId, paymentId }, context }];
    }
    case 'OrderCancelled':
      return [{ type: 'RecordOrderCancelled', data: { orderId: event.data.orderId }, context }];
    // A declined payment never reaches shipping's decision: nothing is reserved until a
    // payment is authorized, and orders cancels the order (which shipping does hear).
    case 'PaymentDeclined':
    case 'PaymentRefunded':
    case 'OrderConfirmed':
    case 'ShipmentScheduled':
    case 'ShipmentFailed':
    case 'ShipmentCancelled':
    case 'NotificationSent':
      return [];
    default:
      return assertNever(event);
  }
}

/**
 * The lines whose stock the shell must read before reacting. Stock matters only to the
 * event that completes the pair (order and payment); locking it for any other would
 * only make unrelated orders of the same SKUs wait. The decider still decides: this
 * may name lines it then ignores, never fewer.
 */
export function linesToReserve(event: IntegrationEvent, state: ShipmentState): Line[] {
  if (event.type === 'OrderPlaced' && state.paid) {
    return event.data.items.map(({ sku, quantity }) => ({ sku, quantity }));
  }
  if (event.type === 'PaymentAuthorized' && state.order) return state.order.lines;
  return [];
}
