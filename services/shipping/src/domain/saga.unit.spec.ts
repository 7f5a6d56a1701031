import type { IntegrationEvent } from '@orderflow/events';
import { linesToReserve, react, reactsTo } from './saga.js';
import type { Context, ShipmentState } from './shipment.js';
import { initialState } from './shipment.js';

const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const address = {
  recipient: 'Ada',
  line1: '1 Loop Rd',
  line2: null,
  city: 'Lisbon',
  postalCode: '1000-001',
  country: 'PT',
};
const context: Context = {
  shipmentId: 's-1',
  now,
  stock: { 'SKU-1': 3 },
  deliverableCountries: ['PT'],
  carrier: 'DHL',
  transitDays: 2,
};

const placed: IntegrationEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'SKU-1', quantity: 2, unitPrice: eur(500) }],
    total: eur(1_000),
    shippingAddress: address,
    placedAt: now,
  },
};
const authorized: IntegrationEvent = {
  type: 'PaymentAuthorized',
  data: { orderId, paymentId: 'p-1', customerId: 'c-1', amount: eur(1_000) },
};
const lines = [{ sku: 'SKU-1', quantity: 2 }];

describe('shipping saga reactions', () => {
  it('when an order is placed, then note its lines and address', () => {
    expect(react(placed, context)).toEqual([
      { type: 'RecordOrderPlaced', data: { orderId, lines, address }, context },
    ]);
  });

  it('when a payment is authorized, then note the payment', () => {
    expect(react(authorized, context)).toEqual([
      { type: 'RecordPaymentAuthorized', data: { orderId, paymentId: 'p-1' }, context },
    ]);
  });

  it('when the order is cancelled, then record it, so that a reservation is released', () => {
    const cancelled: IntegrationEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'TIMEOUT', detail: null, cancelledAt: now },
    };
    expect(react(cancelled, context)).toEqual([
      { type: 'RecordOrderCancelled', data: { orderId }, context },
    ]);
    expect(reactsTo(cancelled)).toBe(true);
  });

  it('when a declined payment or a later milestone arrives, then nothing is commanded', () => {
    const others: IntegrationEvent[] = [
      {
        type: 'PaymentDeclined',
        data: { orderId, customerId: 'c-1', amount: eur(1_000), reason: 'INSUFFICIENT_FUNDS' },
      },
      {
        type: 'PaymentRefunded',
        data: { orderId, paymentId: 'p-1', amount: eur(1_000), reason: 'SHIPMENT_FAILED' },
      },
      {
        type: 'OrderConfirmed',
        data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now },
      },
    ];
    for (const event of others) {
      expect(react(event, context)).toEqual([]);
      expect(reactsTo(event)).toBe(false);
    }
  });

  describe('the stock the shell reads first', () => {
    const paid: ShipmentState = { ...initialState, paid: true };
    const ordered: ShipmentState = { ...initialState, order: { lines, address } };

    it('given the payment already noted, when the order arrives, then its lines', () => {
      expect(linesToReserve(placed, paid)).toEqual(lines);
      expect(linesToReserve(placed, initialState)).toEqual([]);
    });

    it('given the order already noted, when the payment arrives, then the order’s lines', () => {
      expect(linesToReserve(authorized, ordered)).toEqual(lines);
      expect(linesToReserve(authorized, initialState)).toEqual([]);
    });
  });
});
