/**
 * Orders' saga reactions, pure: which of the other services' events the Order
 * aggregate waits for, as the commands they become. Time arrives as an input.
 */
import { assertNever } from '@orderflow/decider';
import type { IntegrationEvent } from '@orderflow/events';
import type { OrderCommand } from './order.js';

/** What the shell knows when an event arrives. */
export interface Known {
  now: Date;
}

export function react(event: IntegrationEvent, { now }: Known): OrderCommand[] {
  switch (event.type) {
    case 'PaymentAuthorized':
      return [{ type: 'RecordPaymentAuthorized', data: { paymentId: event.data.paymentId, now } }];
    case 'PaymentDeclined':
      return [{ type: 'RecordPaymentDeclined', data: { reason: event.data.reason, now } }];
    case 'ShipmentScheduled':
      return [
        { type: 'RecordShipmentScheduled', data: { shipmentId: event.data.shipmentId, now } },
      ];
    case 'ShipmentFailed': {
      const { reason, detail } = event.data;
      return [
        { type: 'RecordShipmentFailed', data: { reason, ...(detail ? { detail } : {}), now } },
      ];
    }
    // Compensations of the other services are history only (the order is already
    // cancelled); orders' own events and notifications are not consumed here.
    case 'PaymentRefunded':
    case 'ShipmentCancelled':
    case 'OrderPlaced':
    case 'OrderConfirmed':
    case 'OrderCancelled':
    case 'NotificationSent':
      return [];
    default:
      return assertNever(event);
  }
}
