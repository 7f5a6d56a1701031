import { describePoisonSuite, startServiceForTest } from '@orderflow/platform/testing';
import { startOrders } from './app.js';

const refund = { amountMinor: 4200, currency: 'EUR' };

/**
 * Orders reads payments and shipping events with its real consumer: a record that is
 * not an event, or not an event of its topic (an OrderPlaced on payments.events, say),
 * is dead-lettered and leaves no saga_log row, no event and no order behind.
 */
describePoisonSuite({
  service: 'orders',
  start: (prefix) =>
    startServiceForTest(
      'orders',
      startOrders,
      {
        ADMISSION_CONTROL: false,
        ADMISSION_MIN_IN_FLIGHT: 100,
        ADMISSION_SAMPLE_MS: 250,
        SAGA_DEADLINE_MS: 600_000,
        SAGA_DEADLINE_SCAN_MS: 60_000,
      },
      prefix,
    ),
  topics: {
    payments: {
      // History only: orders logs it without needing the order.
      own: (orderId) => ({
        type: 'PaymentRefunded',
        data: { orderId, paymentId: `pay-${orderId}`, amount: refund, reason: 'ORDER_CANCELLED' },
      }),
      foreign: (orderId) => ({
        type: 'OrderPlaced',
        data: {
          orderId,
          customerId: 'c-poison',
          items: [{ sku: 'SKU-POISON', quantity: 3, unitPrice: refund }],
          total: { amountMinor: 12_600, currency: 'EUR' },
          shippingAddress: {
            recipient: 'Mallory',
            line1: '13 Side St',
            line2: 'rear',
            city: 'Porto',
            postalCode: '4000-001',
            country: 'PT',
          },
          placedAt: new Date(),
        },
      }),
    },
    shipping: {
      own: (orderId) => ({
        type: 'ShipmentCancelled',
        data: { orderId, shipmentId: `ship-${orderId}` },
      }),
      foreign: (orderId) => ({
        type: 'PaymentAuthorized',
        data: { orderId, paymentId: 'pay-stray', customerId: 'c-poison', amount: refund },
      }),
    },
  },
});
