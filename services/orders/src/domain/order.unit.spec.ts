import { DeciderSpecification } from '@orderflow/decider';
import type { OrderCommand, OrderEvent } from './order.js';
import { InvalidOrderError, OrderConflictError, orderDecider, orderTotal } from './order.js';

const t0 = new Date('2026-01-01T10:00:00Z');
const t1 = new Date('2026-01-01T10:00:01Z');
const t2 = new Date('2026-01-01T10:00:02Z');
const spec = DeciderSpecification.for(orderDecider);

const address = {
  recipient: 'Ada',
  line1: '1 Loop Rd',
  city: 'Lisbon',
  postalCode: '1000-001',
  country: 'PT',
};
const items = [
  { sku: 'SKU-1', quantity: 2, unitPrice: { amountMinor: 1250, currency: 'EUR' } },
  { sku: 'SKU-2', quantity: 1, unitPrice: { amountMinor: 500, currency: 'EUR' } },
];
const place: OrderCommand = {
  type: 'PlaceOrder',
  data: { orderId: 'o-1', customerId: 'c-1', items, shippingAddress: address, now: t0 },
};
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o-1',
    customerId: 'c-1',
    items,
    total: { amountMinor: 3000, currency: 'EUR' },
    shippingAddress: address,
    placedAt: t0.toISOString(),
  },
};
const authorized: OrderEvent = {
  type: 'PaymentAuthorized',
  data: { paymentId: 'p-1', at: t1.toISOString() },
};
const scheduled: OrderEvent = {
  type: 'ShipmentScheduled',
  data: { shipmentId: 's-1', at: t1.toISOString() },
};
const confirmed: OrderEvent = {
  type: 'OrderConfirmed',
  data: { paymentId: 'p-1', shipmentId: 's-1', confirmedAt: t2.toISOString() },
};
const cancelledBy = (reason: 'CUSTOMER_REQUEST' | 'TIMEOUT'): OrderEvent => ({
  type: 'OrderCancelled',
  data: { reason, cancelledAt: t2.toISOString() },
});

describe('Order decider', () => {
  describe('placing', () => {
    it('places a new order with its total', () => spec.given([]).when(place).then([placed]));

    it('refuses to place the same order twice', () =>
      spec.given([placed]).when(place).thenThrows(OrderConflictError));

    it('rejects mixed currencies, naming the line at fault', () =>
      spec
        .given([])
        .when({
          ...place,
          data: {
            ...place.data,
            items: [items[0]!, { ...items[1]!, unitPrice: { amountMinor: 1, currency: 'USD' } }],
          },
        })
        .thenThrows<InvalidOrderError>(InvalidOrderError, (e) => {
          expect(e.field).toBe('items/1/unitPrice/currency');
        }));
  });

  describe('confirming', () => {
    it('waits for the shipment after the payment', () =>
      spec
        .given([placed])
        .when({ type: 'RecordPaymentAuthorized', data: { paymentId: 'p-1', now: t1 } })
        .then([authorized]));

    it('confirms when the shipment arrives after the payment', () =>
      spec
        .given([placed, authorized])
        .when({ type: 'RecordShipmentScheduled', data: { shipmentId: 's-1', now: t2 } })
        .then([{ ...scheduled, data: { shipmentId: 's-1', at: t2.toISOString() } }, confirmed]));

    it('confirms when the payment arrives after the shipment (no order across topics)', () =>
      spec
        .given([placed, scheduled])
        .when({ type: 'RecordPaymentAuthorized', data: { paymentId: 'p-1', now: t2 } })
        .then([{ ...authorized, data: { paymentId: 'p-1', at: t2.toISOString() } }, confirmed]));

    it('ignores a repeated payment fact', () =>
      spec
        .given([placed, authorized])
        .when({ type: 'RecordPaymentAuthorized', data: { paymentId: 'p-1', now: t2 } })
        .then([]));
  });

  describe('cancelling', () => {
    it('cancels on a declined payment', () =>
      spec
        .given([placed])
        .when({ type: 'RecordPaymentDeclined', data: { reason: 'insufficient funds', now: t2 } })
        .then([
          {
            type: 'OrderCancelled',
            data: {
              reason: 'PAYMENT_DECLINED',
              detail: 'insufficient funds',
              cancelledAt: t2.toISOString(),
            },
          },
        ]));

    it('cancels when shipping is out of stock', () =>
      spec
        .given([placed, authorized])
        .when({
          type: 'RecordShipmentFailed',
          data: { reason: 'OUT_OF_STOCK', detail: 'SKU-2', now: t2 },
        })
        .then([
          {
            type: 'OrderCancelled',
            data: { reason: 'OUT_OF_STOCK', detail: 'SKU-2', cancelledAt: t2.toISOString() },
          },
        ]));

    it('cancels at the customer’s request while pending', () =>
      spec
        .given([placed, authorized])
        .when({ type: 'CancelOrder', data: { reason: 'CUSTOMER_REQUEST', now: t2 } })
        .then([cancelledBy('CUSTOMER_REQUEST')]));

    it('refuses a customer cancellation of a confirmed order', () =>
      spec
        .given([placed, authorized, scheduled, confirmed])
        .when({ type: 'CancelOrder', data: { reason: 'CUSTOMER_REQUEST', now: t2 } })
        .thenThrows(OrderConflictError));

    it('refuses commands for an order that does not exist', () =>
      spec
        .given([])
        .when({ type: 'CancelOrder', data: { reason: 'CUSTOMER_REQUEST', now: t2 } })
        .thenThrows(OrderConflictError));
  });

  describe('a terminal order never changes', () => {
    const cancelled = cancelledBy('TIMEOUT');
    it.each<OrderCommand>([
      { type: 'RecordPaymentAuthorized', data: { paymentId: 'p-1', now: t2 } },
      { type: 'RecordShipmentScheduled', data: { shipmentId: 's-1', now: t2 } },
      { type: 'RecordPaymentDeclined', data: { reason: 'late', now: t2 } },
      { type: 'CancelOrder', data: { reason: 'TIMEOUT', now: t2 } },
      { type: 'CancelOrder', data: { reason: 'CUSTOMER_REQUEST', now: t2 } },
    ])('cancelled + $type → nothing', (command) =>
      spec.given([placed, cancelled]).when(command).then([]),
    );

    it('a deadline after confirmation changes nothing', () =>
      spec
        .given([placed, authorized, scheduled, confirmed])
        .when({ type: 'CancelOrder', data: { reason: 'TIMEOUT', now: t2 } })
        .then([]));
  });
});

describe('orderTotal', () => {
  it('sums quantity × unit price', () => {
    expect(orderTotal(items)).toEqual({ amountMinor: 3000, currency: 'EUR' });
  });
  it('rejects an empty order', () => {
    expect(() => orderTotal([])).toThrow(InvalidOrderError);
  });
});
