/**
 * Payments' saga reactions, pure: authorize on OrderPlaced; refund on OrderCancelled
 * or ShipmentFailed, whichever comes first (the decider refunds at most once). What
 * the reaction needs from outside — the customer's balance, read by the shell under a
 * row lock, the time and a fresh payment id — arrives in `known`.
 */
import { assertNever } from '@orderflow/decider';
import type { IntegrationEvent } from '@orderflow/events';
import type { Money, PaymentCommand } from './payment.js';

export interface Known {
  /** The customer's balance, for an OrderPlaced; undefined when the customer has no account. */
  balance: Money | undefined;
  /** Amounts at or above this (minor units) wait for manual review; undefined: never. */
  reviewThresholdMinor: number | undefined;
  now: Date;
  /** The id a new payment gets. */
  paymentId: string;
}

/** The events payments acts on; the others it consumes are only acknowledged. */
export const reactsTo = (event: IntegrationEvent): boolean =>
  event.type === 'OrderPlaced' ||
  event.type === 'OrderCancelled' ||
  event.type === 'ShipmentFailed';

export function react(event: IntegrationEvent, known: Known): PaymentCommand[] {
  const { balance, reviewThresholdMinor, now, paymentId } = known;
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, total } = event.data;
      const data = {
        orderId,
        customerId,
        amount: total,
        paymentId,
        balance,
        reviewThresholdMinor,
        now,
      };
      return [{ type: 'AuthorizePayment', data }];
    }
    case 'OrderCancelled':
      return [
        {
          type: 'RefundPayment',
          data: { orderId: event.data.orderId, reason: 'ORDER_CANCELLED', now },
        },
      ];
    case 'ShipmentFailed':
      return [
        {
          type: 'RefundPayment',
          data: { orderId: event.data.orderId, reason: 'SHIPMENT_FAILED', now },
        },
      ];
    case 'OrderConfirmed':
    case 'ShipmentScheduled':
    case 'ShipmentCancelled':
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
    case 'PaymentRefunded':
    case 'NotificationSent':
      return [];
    default:
      return assertNever(event);
  }
}
