import type { IntegrationEvent } from '@orderflow/events';
import { react } from './saga.js';

const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('orders saga reactions', () => {
  it('given a payment authorized, when it arrives, then the order records it', () => {
    const event: IntegrationEvent = {
      type: 'PaymentAuthorized',
      data: { orderId, paymentId: 'p-1', customerId: 'c-1', amount: eur(100) },
    };
    expect(react(event, { now })).toEqual([
      { type: 'RecordPaymentAuthorized', data: { paymentId: 'p-1', now } },
    ]);
  });

  it('given a payment declined, when it arrives, then the order records the reason', () => {
    const event: IntegrationEvent = {
      type: 'PaymentDeclined',
      data: { orderId, customerId: 'c-1', amount: eur(100), reason: 'INSUFFICIENT_FUNDS' },
    };
    expect(react(event, { now })).toEqual([
      { type: 'RecordPaymentDeclined', data: { reason: 'INSUFFICIENT_FUNDS', now } },
    ]);
  });

  it('given a shipment scheduled, when it arrives, then the order records the shipment', () => {
    const event: IntegrationEvent = {
      type: 'ShipmentScheduled',
      data: { orderId, shipmentId: 's-1', items: [], carrier: 'DHL', eta: now },
    };
    expect(react(event, { now })).toEqual([
      { type: 'RecordShipmentScheduled', data: { shipmentId: 's-1', now } },
    ]);
  });

  it('given a shipment failed, when it arrives, then the order records the reason and any detail', () => {
    const failed = (detail: string | null): IntegrationEvent => ({
      type: 'ShipmentFailed',
      data: { orderId, reason: 'OUT_OF_STOCK', detail },
    });
    expect(react(failed('SKU-1: 0 left'), { now })).toEqual([
      {
        type: 'RecordShipmentFailed',
        data: { reason: 'OUT_OF_STOCK', detail: 'SKU-1: 0 left', now },
      },
    ]);
    expect(react(failed(null), { now })).toEqual([
      { type: 'RecordShipmentFailed', data: { reason: 'OUT_OF_STOCK', now } },
    ]);
  });

  it('given a compensation or an event orders itself published, then nothing is commanded', () => {
    const history: IntegrationEvent[] = [
      {
        type: 'PaymentRefunded',
        data: { orderId, paymentId: 'p-1', amount: eur(100), reason: 'SHIPMENT_FAILED' },
      },
      { type: 'ShipmentCancelled', data: { orderId, shipmentId: 's-1' } },
      {
        type: 'OrderConfirmed',
        data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now },
      },
      {
        type: 'NotificationSent',
        data: { orderId, customerId: 'c-1', kind: 'ORDER_CONFIRMED', channel: 'EMAIL' },
      },
    ];
    for (const event of history) expect(react(event, { now })).toEqual([]);
  });
});
