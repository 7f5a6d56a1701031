import { formatMoney, renderEmail, shortOrderId } from './email.js';

const order = {
  orderId: '7f1c9a3e-0b5d-4c1e-9f00-123456789abc',
  total: { amountMinor: 3000, currency: 'EUR' },
};

describe('renderEmail', () => {
  it('confirms with the short id in the subject and the full id and total in the body', () => {
    const email = renderEmail(order, { kind: 'ORDER_CONFIRMED' });
    expect(email.subject).toBe('Your order 7f1c9a3e is confirmed');
    expect(email.text).toContain(`Order: ${order.orderId}`);
    expect(email.text).toContain('Total: EUR 30.00');
    expect(email.text).toContain('confirmed');
  });

  it('explains a cancellation in words, in the subject and the body', () => {
    const email = renderEmail(order, {
      kind: 'ORDER_CANCELLED',
      reason: 'PAYMENT_DECLINED',
      detail: 'INSUFFICIENT_FUNDS',
    });
    expect(email.subject).toBe('Your order 7f1c9a3e was cancelled (payment declined)');
    expect(email.text).toContain('cancelled because your payment could not be authorized');
    expect(email.text).toContain('Reason: PAYMENT_DECLINED');
    expect(email.text).toContain('Total: EUR 30.00');
  });

  it('keeps the detail, meant for support staff, out of the customer’s e-mail', () => {
    const email = renderEmail(order, {
      kind: 'ORDER_CANCELLED',
      reason: 'OUT_OF_STOCK',
      detail: 'reservation failed on shard 3',
    });
    expect(email.text).not.toContain('shard 3');
    expect(email.text).toContain('some of the items are out of stock');
  });

  it.each([
    ['OUT_OF_STOCK', 'out of stock'],
    ['UNDELIVERABLE', 'undeliverable'],
    ['CUSTOMER_REQUEST', 'at your request'],
    ['TIMEOUT', 'timed out'],
  ] as const)('names the reason %s in the subject', (reason, words) => {
    const email = renderEmail(order, { kind: 'ORDER_CANCELLED', reason, detail: null });
    expect(email.subject).toBe(`Your order 7f1c9a3e was cancelled (${words})`);
  });
});

describe('formatMoney', () => {
  it('uses the currency’s number of decimals', () => {
    expect(formatMoney({ amountMinor: 1999, currency: 'EUR' })).toBe('EUR 19.99');
    expect(formatMoney({ amountMinor: 1999, currency: 'JPY' })).toBe('JPY 1999');
    expect(formatMoney({ amountMinor: 5, currency: 'USD' })).toBe('USD 0.05');
  });

  it('falls back to two decimals for a code it does not know', () => {
    expect(formatMoney({ amountMinor: 1234, currency: 'QQQ' })).toBe('QQQ 12.34');
  });
});

describe('shortOrderId', () => {
  it('is the first block of a UUID', () => {
    expect(shortOrderId(order.orderId)).toBe('7f1c9a3e');
    expect(shortOrderId('plain')).toBe('plain');
  });
});
