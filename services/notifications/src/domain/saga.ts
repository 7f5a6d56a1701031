/**
 * Notifications' saga reactions, pure: OrderPlaced is remembered as the order's
 * contact (the contract carries no e-mail address, so one is derived), and an order
 * outcome becomes one notification to queue. Sending happens later, outside any
 * consumer transaction.
 */
import type { IntegrationEvent, Money } from '@orderflow/events';
import type { Outcome } from './notification.js';
import { outcomeOf, recipientFor } from './notification.js';

export type NotificationCommand =
  | {
      type: 'RememberContact';
      data: { orderId: string; customerId: string; email: string; total: Money; placedAt: Date };
    }
  | { type: 'QueueNotification'; data: { orderId: string; outcome: Outcome } };

/** What the shell knows when an event arrives. */
export interface Known {
  /** The domain of derived e-mail addresses. */
  emailDomain: string;
}

export function react(event: IntegrationEvent, { emailDomain }: Known): NotificationCommand[] {
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, total, placedAt } = event.data;
    const email = recipientFor(customerId, emailDomain);
    return [{ type: 'RememberContact', data: { orderId, customerId, email, total, placedAt } }];
  }
  const outcome = outcomeOf(event);
  if (!outcome) return [];
  return [{ type: 'QueueNotification', data: { orderId: event.data.orderId, outcome } }];
}
