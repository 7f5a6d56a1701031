import type { IntegrationEvent } from '@orderflow/events';
import type { Known } from './saga.js';
import { react, reactsTo } from './saga.js';

const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const known: Known = {
  balance: eur(5_000),
  reviewThresholdMinor: 100_000,
  now,
  paymentId: 'p-1',
};

const placed: IntegrationEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: eur(1_200) }],
    total: eur(1_200),
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

describe('payments saga reactions', () => {
  it('given the balance read by the shell, when an order is placed, then authorize its total', () => {
    expect(react(placed, known)).toEqual([
      {
        type: 'AuthorizePayment',
        data: {
          orderId,
          customerId: 'c-1',
          amount: eur(1_200),
          paymentId: 'p-1',
          balance: eur(5_000),
          reviewThresholdMinor: 100_000,
          now,
        },
      },
    ]);
  });

  it('given no account, when an order is placed, then authorization decides on no balance', () => {
    const [command] = react(placed, { ...known, balance: undefined });
    expect(command).toMatchObject({ type: 'AuthorizePayment', data: { balance: undefined } });
  });

  it('when the order is cancelled, then refund it (compensation)', () => {
    const cancelled: IntegrationEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'CUSTOMER_REQUEST', detail: null, cancelledAt: now },
    };
    expect(react(cancelled, known)).toEqual([
      { type: 'RefundPayment', data: { orderId, reason: 'ORDER_CANCELLED', now } },
    ]);
  });

  it('when the shipment failed, then refund it (compensation)', () => {
    const failed: IntegrationEvent = {
      type: 'ShipmentFailed',
      data: { orderId, reason: 'OUT_OF_STOCK', detail: null },
    };
    expect(react(failed, known)).toEqual([
      { type: 'RefundPayment', data: { orderId, reason: 'SHIPMENT_FAILED', now } },
    ]);
  });

  it('when a milestone payments does not act on arrives, then nothing is commanded', () => {
    const others: IntegrationEvent[] = [
      {
        type: 'OrderConfirmed',
        data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now },
      },
      {
        type: 'ShipmentScheduled',
        data: { orderId, shipmentId: 's-1', items: [], carrier: 'DHL', eta: now },
      },
      { type: 'ShipmentCancelled', data: { orderId, shipmentId: 's-1' } },
    ];
    for (const event of others) {
      expect(react(event, known)).toEqual([]);
      expect(reactsTo(event)).toBe(false);
    }
    expect(reactsTo(placed)).toBe(true);
  });
});
