import type { IntegrationEvent } from '@orderflow/events';
import { react } from './saga.js';

const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const known = { emailDomain: 'customers.orderflow.test' };

describe('notifications saga reactions', () => {
  it('when an order is placed, then remember its contact, with the derived address', () => {
    const placed: IntegrationEvent = {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId: 'c-Ada',
        items: [{ sku: 'SKU-1', quantity: 1, unitPrice: eur(700) }],
        total: eur(700),
        shippingAddress: {
          recipient: 'Ada',
          line1: '1 Loop Rd',
          line2: null,
          city: 'Lisbon',
          postalCode: '1000-001',
          country: 'PT',
        },
        placedAt: now,
      },
    };
    expect(react(placed, known)).toEqual([
      {
        type: 'RememberContact',
        data: {
          orderId,
          customerId: 'c-Ada',
          email: 'c-ada@customers.orderflow.test',
          total: eur(700),
          placedAt: now,
        },
      },
    ]);
  });

  it('when the order is confirmed, then queue one ORDER_CONFIRMED notification', () => {
    const confirmed: IntegrationEvent = {
      type: 'OrderConfirmed',
      data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now },
    };
    expect(react(confirmed, known)).toEqual([
      { type: 'QueueNotification', data: { orderId, outcome: { kind: 'ORDER_CONFIRMED' } } },
    ]);
  });

  it('when the order is cancelled, then queue one ORDER_CANCELLED notification with the reason', () => {
    const cancelled: IntegrationEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'PAYMENT_DECLINED', detail: null, cancelledAt: now },
    };
    expect(react(cancelled, known)).toEqual([
      {
        type: 'QueueNotification',
        data: {
          orderId,
          outcome: { kind: 'ORDER_CANCELLED', reason: 'PAYMENT_DECLINED', detail: null },
        },
      },
    ]);
  });

  it('when its own NotificationSent comes back, then nothing is commanded', () => {
    const sent: IntegrationEvent = {
      type: 'NotificationSent',
      data: { orderId, customerId: 'c-1', kind: 'ORDER_CONFIRMED', channel: 'EMAIL' },
    };
    expect(react(sent, known)).toEqual([]);
  });
});
