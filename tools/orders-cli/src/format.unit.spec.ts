import type { OrderWithHistory } from './orders-api.js';
import { formatMoney, formatOrder, formatOrderRow, orderChanges, serviceOf } from './format.js';

const placedAt = '2026-01-02T10:00:00.000Z';
const order: OrderWithHistory = {
  orderId: '6f1c2b1e-1111-4aaa-8bbb-123456789abc',
  customerId: 'c-grace',
  status: 'CANCELLED',
  total: { amountMinor: 200_000, currency: 'EUR' },
  items: [{ sku: 'SKU-GONE', quantity: 1, unitPrice: { amountMinor: 200_000, currency: 'EUR' } }],
  cancellation: { reason: 'OUT_OF_STOCK', detail: null },
  paymentId: 'pay-1',
  shipmentId: null,
  placedAt,
  updatedAt: placedAt,
  version: 3,
  history: [
    {
      type: 'OrderPlaced',
      source: '/orderflow/orders',
      occurredAt: placedAt,
      data: { orderId: '6f1c2b1e-1111-4aaa-8bbb-123456789abc', customerId: 'c-grace' },
    },
    {
      type: 'PaymentAuthorized',
      source: '/orderflow/payments',
      occurredAt: '2026-01-02T10:00:00.250Z',
      data: null,
    },
  ],
};

describe('orders CLI output', () => {
  it('prints money from minor units with thousands separators', () => {
    expect(formatMoney({ amountMinor: 200_000, currency: 'EUR' })).toBe('2,000.00 EUR');
    expect(formatMoney({ amountMinor: 5, currency: 'USD' })).toBe('0.05 USD');
  });

  it('names the service of a CloudEvents source', () => {
    expect(serviceOf('/orderflow/payments')).toBe('payments');
  });

  it('prints an order with its cancellation and each saga step timed from placement', () => {
    expect(formatOrder(order)).toEqual([
      `order    ${order.orderId}  CANCELLED (OUT_OF_STOCK)`,
      `customer c-grace   total 2,000.00 EUR   placed ${placedAt}`,
      'items    1 × SKU-GONE @ 2,000.00 EUR',
      'payment  pay-1   shipment -',
      'history  (2 events, time since placement)',
      '    +0.000s  orders         OrderPlaced',
      '    +0.250s  payments       PaymentAuthorized',
    ]);
    expect(formatOrderRow(order)).toBe(
      `${order.orderId}  CANCELLED (OUT_OF_STOCK)      c-grace       2,000.00 EUR  ${placedAt}`,
    );
  });

  it('reports only the steps and status that are new since the last read', () => {
    const before = {
      ...order,
      status: 'PENDING' as const,
      cancellation: null,
      history: [order.history[1]!],
    };
    expect(orderChanges(before, order)).toEqual({
      steps: [order.history[0]],
      status: 'CANCELLED (OUT_OF_STOCK)',
    });
    expect(orderChanges(order, order)).toEqual({ steps: [], status: undefined });
    expect(orderChanges(undefined, order).status).toBe('CANCELLED (OUT_OF_STOCK)');
  });
});
