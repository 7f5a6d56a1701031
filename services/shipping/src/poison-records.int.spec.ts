import { describePoisonSuite, startServiceForTest } from '@orderflow/platform/testing';
import { startShipping } from './app.js';
import { orderPlaced, paymentAuthorized } from './test-support/shipping-harness.js';

/**
 * Shipping reads orders and payments events with its real consumer: a record that is
 * not an event, or not an event of its topic (a PaymentAuthorized on orders.events,
 * say), is dead-lettered and reserves nothing: no shipment, no reservation.
 */
describePoisonSuite({
  service: 'shipping',
  start: (prefix) =>
    startServiceForTest(
      'shipping',
      startShipping,
      {
        SHIPPING_CARRIER: 'poison-post',
        SHIPPING_TRANSIT_DAYS: 1,
        SHIPPING_COUNTRIES: ['PT'],
        SEED_DEMO_STOCK: true,
      },
      prefix,
    ),
  topics: {
    orders: {
      own: (orderId) => ({
        type: 'OrderCancelled',
        data: { orderId, reason: 'CUSTOMER_REQUEST', detail: null, cancelledAt: new Date() },
      }),
      foreign: (orderId) => ({ type: 'PaymentAuthorized', data: paymentAuthorized(orderId) }),
    },
    payments: {
      own: (orderId) => ({ type: 'PaymentAuthorized', data: paymentAuthorized(orderId) }),
      foreign: (orderId) => ({
        type: 'OrderPlaced',
        data: orderPlaced(orderId, [{ sku: 'SKU-BOOK', quantity: 1 }]),
      }),
    },
  },
});
