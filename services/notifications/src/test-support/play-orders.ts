import { randomUUID } from 'node:crypto';
import type { Service } from '@orderflow/events';
import type { Observed } from '@orderflow/platform/testing';
import { EventPlayer } from '@orderflow/platform/testing';

/**
 * Plays the orders service for a notifications test: produces orders.events under the
 * test's topic prefix, and records what notifications publishes and dead-letters.
 */
export class OrdersPlayer extends EventPlayer {
  override start(
    observe: Service = 'notifications',
    deadLettersOf: readonly Service[] = ['orders'],
  ) {
    return super.start(observe, deadLettersOf);
  }

  notificationsSent(orderId: string): Observed[] {
    return this.publishedFor(orderId, 'NotificationSent');
  }
}

/** An OrderPlaced of 30.00 EUR for a new order id. */
export function orderPlaced(customerId: string, orderId: string = randomUUID()) {
  return {
    type: 'OrderPlaced' as const,
    data: {
      orderId,
      customerId,
      items: [
        { sku: 'SKU-1', quantity: 2, unitPrice: { amountMinor: 1250, currency: 'EUR' } },
        { sku: 'SKU-2', quantity: 1, unitPrice: { amountMinor: 500, currency: 'EUR' } },
      ],
      total: { amountMinor: 3000, currency: 'EUR' },
      shippingAddress: {
        recipient: 'Ada',
        line1: '1 Loop Rd',
        line2: null,
        city: 'Lisbon',
        postalCode: '1000-001',
        country: 'PT',
      },
      placedAt: new Date(),
    },
  };
}

export const orderConfirmed = (orderId: string) => ({
  type: 'OrderConfirmed' as const,
  data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: new Date() },
});
