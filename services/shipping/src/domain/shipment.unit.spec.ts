import { DeciderSpecification } from '@orderflow/decider';
import type { Context, ShipmentCommand, ShipmentEvent } from './shipment.js';
import { shipmentDecider } from './shipment.js';

const now = new Date('2026-01-01T10:00:00Z');
const spec = DeciderSpecification.for(shipmentDecider);
const lines = [
  { sku: 'SKU-1', quantity: 2 },
  { sku: 'SKU-2', quantity: 1 },
];
const address = {
  recipient: 'Ada',
  line1: '1 Loop Rd',
  city: 'Lisbon',
  postalCode: '1000-001',
  country: 'PT',
};
const context = (stock: Record<string, number>): Context => ({
  shipmentId: 's-1',
  now,
  stock,
  deliverableCountries: ['PT', 'DE'],
  carrier: 'orderflow-post',
  transitDays: 2,
});
const plenty = context({ 'SKU-1': 10, 'SKU-2': 1 });

const orderPlaced = (ctx = plenty, a = address): ShipmentCommand => ({
  type: 'RecordOrderPlaced',
  data: { orderId: 'o-1', lines, address: a },
  context: ctx,
});
const paymentAuthorized = (ctx = plenty): ShipmentCommand => ({
  type: 'RecordPaymentAuthorized',
  data: { orderId: 'o-1', paymentId: 'p-1' },
  context: ctx,
});
const orderCancelled: ShipmentCommand = {
  type: 'RecordOrderCancelled',
  data: { orderId: 'o-1' },
  context: plenty,
};

const orderNoted: ShipmentEvent = { type: 'OrderNoted', data: { orderId: 'o-1', lines, address } };
const paymentNoted: ShipmentEvent = {
  type: 'PaymentNoted',
  data: { orderId: 'o-1', paymentId: 'p-1' },
};
const scheduled: ShipmentEvent = {
  type: 'ShipmentScheduled',
  data: {
    orderId: 'o-1',
    shipmentId: 's-1',
    lines,
    carrier: 'orderflow-post',
    eta: '2026-01-03T10:00:00.000Z',
  },
};

describe('Shipment decider', () => {
  it('waits for the payment after the order', () =>
    spec.given([]).when(orderPlaced()).then([orderNoted]));

  it('schedules when the payment arrives after the order', () =>
    spec.given([orderNoted]).when(paymentAuthorized()).then([paymentNoted, scheduled]));

  it('schedules when the order arrives after the payment (no order across topics)', () =>
    spec.given([paymentNoted]).when(orderPlaced()).then([orderNoted, scheduled]));

  it('fails the whole shipment when any line is short, saying which', () =>
    spec
      .given([orderNoted])
      .when(paymentAuthorized(context({ 'SKU-1': 1 })))
      .then([
        paymentNoted,
        {
          type: 'ShipmentFailed',
          data: {
            orderId: 'o-1',
            reason: 'OUT_OF_STOCK',
            detail: 'SKU-1: 2 wanted, 1 available; SKU-2: 1 wanted, 0 available',
          },
        },
      ]));

  it('counts two lines of one SKU together against its stock', () =>
    spec
      .given([paymentNoted])
      .when({
        type: 'RecordOrderPlaced',
        data: {
          orderId: 'o-1',
          lines: [
            { sku: 'SKU-1', quantity: 2 },
            { sku: 'SKU-1', quantity: 2 },
          ],
          address,
        },
        context: context({ 'SKU-1': 3 }),
      })
      .then([
        {
          type: 'OrderNoted',
          data: {
            orderId: 'o-1',
            lines: [
              { sku: 'SKU-1', quantity: 2 },
              { sku: 'SKU-1', quantity: 2 },
            ],
            address,
          },
        },
        {
          type: 'ShipmentFailed',
          data: { orderId: 'o-1', reason: 'OUT_OF_STOCK', detail: 'SKU-1: 4 wanted, 3 available' },
        },
      ]));

  it('fails a shipment to a country no carrier serves', () =>
    spec
      .given([paymentNoted])
      .when(orderPlaced(plenty, { ...address, country: 'AQ' }))
      .then([
        {
          type: 'OrderNoted',
          data: { orderId: 'o-1', lines, address: { ...address, country: 'AQ' } },
        },
        {
          type: 'ShipmentFailed',
          data: { orderId: 'o-1', reason: 'UNDELIVERABLE', detail: 'no carrier delivers to AQ' },
        },
      ]));

  it('ignores a repeated payment', () =>
    spec.given([orderNoted, paymentNoted, scheduled]).when(paymentAuthorized()).then([]));

  it('releases the reservation when a scheduled order is cancelled', () =>
    spec
      .given([orderNoted, paymentNoted, scheduled])
      .when(orderCancelled)
      .then([{ type: 'ShipmentCancelled', data: { orderId: 'o-1', shipmentId: 's-1', lines } }]));

  it('notes a cancellation that arrives before the payment, and never reserves after it', () => {
    spec
      .given([orderNoted])
      .when(orderCancelled)
      .then([{ type: 'CancellationNoted', data: { orderId: 'o-1' } }]);
    spec
      .given([orderNoted, { type: 'CancellationNoted', data: { orderId: 'o-1' } }])
      .when(paymentAuthorized())
      .then([]);
  });

  it('has nothing to release after a failed shipment', () =>
    spec
      .given([
        orderNoted,
        paymentNoted,
        { type: 'ShipmentFailed', data: { orderId: 'o-1', reason: 'OUT_OF_STOCK', detail: 'x' } },
      ])
      .when(orderCancelled)
      .then([]));
});
