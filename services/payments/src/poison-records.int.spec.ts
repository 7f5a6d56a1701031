import { describePoisonSuite, startServiceForTest } from '@orderflow/platform/testing';
import { startPayments } from './app.js';

/**
 * Payments reads orders and shipping events with its real consumer: a record that is
 * not an event, or not an event of its topic (a PaymentAuthorized on orders.events,
 * say), is dead-lettered and moves no money: no payment, no ledger row, no account.
 */
describePoisonSuite({
  service: 'payments',
  start: (prefix) =>
    startServiceForTest('payments', startPayments, { SEED_DEMO_ACCOUNTS: true }, prefix),
  topics: {
    orders: {
      // Voids the payment of an order payments never saw: no account needed.
      own: (orderId) => ({
        type: 'OrderCancelled',
        data: { orderId, reason: 'TIMEOUT', detail: null, cancelledAt: new Date() },
      }),
      foreign: (orderId) => ({
        type: 'PaymentAuthorized',
        data: {
          orderId,
          paymentId: `forged-${orderId}`,
          customerId: 'c-ada',
          amount: { amountMinor: 999, currency: 'EUR' },
        },
      }),
    },
    shipping: {
      own: (orderId) => ({
        type: 'ShipmentFailed',
        data: { orderId, reason: 'UNDELIVERABLE', detail: 'no such street' },
      }),
      foreign: (orderId) => ({
        type: 'OrderConfirmed',
        data: { orderId, paymentId: 'p-x', shipmentId: 's-x', confirmedAt: new Date() },
      }),
    },
  },
});
