import type { EventType } from '../catalog.js';
import type { EventDataMap, Money } from '../generated/catalog.js';

/** Test data only. One valid value per event; the mapped type makes a missing event a compile error. */
const eur = (amountMinor: number): Money => ({ amountMinor, currency: 'EUR' });
const orderId = '0b1e8a52-5d3c-4b8e-9f59-6f0f3c1b2a10';
const at = new Date('2025-03-14T15:09:26.535Z');

export const samples: { [K in EventType]: EventDataMap[K] } = {
  OrderPlaced: {
    orderId,
    customerId: 'customer-42',
    items: [
      { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: eur(1250) },
      { sku: 'SKU-TEAPOT', quantity: 1, unitPrice: eur(3999) },
    ],
    total: eur(6499),
    shippingAddress: {
      recipient: 'Ada Lovelace',
      line1: 'Examplestraße 1',
      line2: null,
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    placedAt: at,
  },
  OrderConfirmed: { orderId, paymentId: 'pay-1', shipmentId: 'ship-1', confirmedAt: at },
  OrderCancelled: {
    orderId,
    reason: 'OUT_OF_STOCK',
    detail: 'SKU-TEAPOT: 0 left',
    cancelledAt: at,
  },
  PaymentAuthorized: { orderId, paymentId: 'pay-1', customerId: 'customer-42', amount: eur(6499) },
  PaymentDeclined: {
    orderId,
    customerId: 'customer-42',
    amount: eur(6499),
    reason: 'INSUFFICIENT_FUNDS',
  },
  PaymentRefunded: { orderId, paymentId: 'pay-1', amount: eur(6499), reason: 'SHIPMENT_FAILED' },
  ShipmentScheduled: {
    orderId,
    shipmentId: 'ship-1',
    items: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
    carrier: 'DHL',
    eta: new Date('2025-03-17T12:00:00.000Z'),
  },
  ShipmentFailed: { orderId, reason: 'UNDELIVERABLE', detail: null },
  ShipmentCancelled: { orderId, shipmentId: 'ship-1' },
  NotificationSent: {
    orderId,
    customerId: 'customer-42',
    kind: 'ORDER_CONFIRMED',
    channel: 'EMAIL',
  },
};
