import type { CancellationReason, IntegrationEvent, NotificationKind } from '@orderflow/events';

/**
 * The notifications service's rules, pure: which events are order outcomes, how a
 * notification is identified and who receives it. Configuration arrives as arguments.
 */
export type Outcome =
  | { kind: 'ORDER_CONFIRMED' }
  | { kind: 'ORDER_CANCELLED'; reason: CancellationReason; detail: string | null };

/** The outcome an event announces, if it announces one; every other event is ignored. */
export function outcomeOf(event: IntegrationEvent): Outcome | undefined {
  switch (event.type) {
    case 'OrderConfirmed':
      return { kind: 'ORDER_CONFIRMED' };
    case 'OrderCancelled':
      return {
        kind: 'ORDER_CANCELLED',
        reason: event.data.reason,
        detail: event.data.detail ?? null,
      };
    case 'OrderPlaced':
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
    case 'PaymentRefunded':
    case 'ShipmentScheduled':
    case 'ShipmentFailed':
    case 'ShipmentCancelled':
    case 'NotificationSent':
      return undefined;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The RFC 5322 Message-ID of the one e-mail about an order's outcome. Derived, never
 * random: if the process dies after the SMTP server accepted the message but before
 * the row was marked SENT, the re-send carries the same id, so mail servers, clients
 * and support staff can recognise it as the same message.
 */
export function messageIdFor(orderId: string, kind: NotificationKind): string {
  return `<${orderId}.${kind}@orderflow>`;
}

/**
 * The contract has no e-mail address, so one is derived from the customer id. A real
 * system would ask a customer service for the address (and the customer's language).
 * Characters that are not safe in an unquoted local part become `_`.
 */
export function recipientFor(customerId: string, domain: string): string {
  const local = customerId.replace(/[^A-Za-z0-9._+-]/g, '_').toLowerCase();
  return `${local}@${domain}`;
}
