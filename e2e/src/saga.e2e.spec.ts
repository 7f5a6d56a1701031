import { eventually } from '@orderflow/testing';
import type { Saga } from './harness.js';
import { startSaga } from './harness.js';
import type { OrderView } from './saga-world.js';
import {
  balances,
  cancelOrder,
  getOrder,
  mailsFor,
  notifications,
  orderRequest,
  payments,
  placeOrder,
  seed,
  shipments,
  stockLevels,
} from './saga-world.js';

/**
 * The whole saga with the four services as real processes on the real stack: each
 * scenario ends in the expected terminal state, and every service's own database
 * and the SMTP sink agree with it.
 */
const deadlineMs = 4_000;
const reviewThresholdMinor = 100_000;

async function settled(saga: Saga, orderId: string): Promise<OrderView> {
  return eventually(
    async () => {
      const view = await getOrder(saga, orderId);
      expect(view.status).not.toBe('PENDING');
      return view;
    },
    60_000,
    200,
  );
}

describe('the order saga, end to end', () => {
  let saga: Saga;

  beforeAll(async () => {
    saga = await startSaga({ sagaDeadlineMs: deadlineMs, reviewThresholdMinor });
    await seed(
      saga,
      [
        { customerId: 'c-rich', currency: 'EUR', openingMinor: 1_000_000 },
        { customerId: 'c-poor', currency: 'EUR', openingMinor: 1_000 },
      ],
      [
        { sku: 'SKU-BOOK', opening: 100 },
        { sku: 'SKU-GONE', opening: 0 },
      ],
    );
  });
  afterAll(() => saga?.stop());

  const balanceOf = async (customerId: string) =>
    Number((await balances(saga)).find((b) => b.customer_id === customerId)?.balance_minor);
  const stockOf = async (sku: string) => (await stockLevels(saga)).find((s) => s.sku === sku);
  const oneMailEach = async (orderId: string, kind: 'ORDER_CONFIRMED' | 'ORDER_CANCELLED') =>
    eventually(async () => {
      expect((await notifications(saga)).filter((n) => n.order_id === orderId)).toEqual([
        { order_id: orderId, kind, status: 'SENT' },
      ]);
      const mails = (await mailsFor([orderId])).get(orderId) ?? [];
      expect(mails).toHaveLength(1);
      return mails[0]!;
    }, 30_000);

  it('happy path: confirmed, charged once, stock reserved, shipment scheduled, one e-mail', async () => {
    const before = await balanceOf('c-rich');
    const { status, orderId } = await placeOrder(
      saga,
      orderRequest('c-rich', 'SKU-BOOK', 2, 1_250),
    );
    expect(status).toBe(201);
    const view = await settled(saga, orderId);
    expect(view.status).toBe('CONFIRMED');
    expect(view.history.map((h) => h.type)).toEqual([
      'OrderPlaced',
      'PaymentAuthorized',
      'ShipmentScheduled',
      'OrderConfirmed',
    ]);
    expect(await balanceOf('c-rich')).toBe(before - 2_500);
    expect((await payments(saga)).find((p) => p.order_id === orderId)).toMatchObject({
      status: 'AUTHORIZED',
      amount_minor: '2500',
    });
    expect((await shipments(saga)).find((s) => s.order_id === orderId)).toMatchObject({
      status: 'SCHEDULED',
      lines: [{ sku: 'SKU-BOOK', quantity: 2 }],
    });
    expect(await stockOf('SKU-BOOK')).toMatchObject({ available: 98, reserved: 2 });
    const mail = await oneMailEach(orderId, 'ORDER_CONFIRMED');
    expect(mail.To[0]?.Address).toContain('c-rich');
  });

  it('payment declined: cancelled, nothing charged, nothing reserved, one e-mail', async () => {
    const { orderId } = await placeOrder(saga, orderRequest('c-poor', 'SKU-BOOK', 1, 5_000));
    const view = await settled(saga, orderId);
    expect(view).toMatchObject({
      status: 'CANCELLED',
      cancellation: { reason: 'PAYMENT_DECLINED' },
    });
    expect(await balanceOf('c-poor')).toBe(1_000);
    expect((await payments(saga)).find((p) => p.order_id === orderId)?.status).toBe('DECLINED');
    expect((await shipments(saga)).find((s) => s.order_id === orderId)?.status).not.toBe(
      'SCHEDULED',
    );
    await oneMailEach(orderId, 'ORDER_CANCELLED');
  });

  it('out of stock: cancelled, the payment refunded, stock untouched, one e-mail', async () => {
    const before = await balanceOf('c-rich');
    const { orderId } = await placeOrder(saga, orderRequest('c-rich', 'SKU-GONE', 1, 2_000));
    const view = await settled(saga, orderId);
    expect(view).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'OUT_OF_STOCK' } });
    await eventually(async () => {
      expect((await payments(saga)).find((p) => p.order_id === orderId)?.status).toBe('REFUNDED');
      expect(await balanceOf('c-rich')).toBe(before);
    });
    expect(await stockOf('SKU-GONE')).toMatchObject({ available: 0, reserved: 0 });
    expect((await shipments(saga)).find((s) => s.order_id === orderId)?.status).toBe('FAILED');
    await oneMailEach(orderId, 'ORDER_CANCELLED');
  });

  it('customer cancel while pending: cancelled, the held payment voided, one e-mail', async () => {
    const before = await balanceOf('c-rich');
    const { orderId } = await placeOrder(
      saga,
      orderRequest('c-rich', 'SKU-BOOK', 10, reviewThresholdMinor / 10),
    );
    await eventually(async () =>
      expect((await payments(saga)).find((p) => p.order_id === orderId)?.status).toBe('HELD'),
    );
    expect(await cancelOrder(saga, orderId)).toBe(200);
    const view = await settled(saga, orderId);
    expect(view).toMatchObject({
      status: 'CANCELLED',
      cancellation: { reason: 'CUSTOMER_REQUEST' },
    });
    await eventually(async () =>
      expect((await payments(saga)).find((p) => p.order_id === orderId)?.status).toBe('VOIDED'),
    );
    expect(await balanceOf('c-rich')).toBe(before);
    await oneMailEach(orderId, 'ORDER_CANCELLED');
  });

  it('deadline: an order stuck pending is cancelled with TIMEOUT, nothing charged, one e-mail', async () => {
    const before = await balanceOf('c-rich');
    const { orderId } = await placeOrder(
      saga,
      orderRequest('c-rich', 'SKU-BOOK', 20, reviewThresholdMinor / 10),
    );
    const view = await settled(saga, orderId);
    expect(view).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'TIMEOUT' } });
    await eventually(async () =>
      expect((await payments(saga)).find((p) => p.order_id === orderId)?.status).toBe('VOIDED'),
    );
    expect(await balanceOf('c-rich')).toBe(before);
    await oneMailEach(orderId, 'ORDER_CANCELLED');
  });
});
