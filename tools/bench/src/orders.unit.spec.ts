import { nextOrder, orderStream, seededRandom } from './orders.js';

const catalog = { customers: 1_000, skus: 500 };

describe('the order stream', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = orderStream(42, catalog);
    const b = orderStream(42, catalog);
    const c = orderStream(43, catalog);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('places happy-path orders: 1–2 distinct SKUs, deliverable countries, modest totals', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2_000; i++) {
      const order = nextOrder(random, catalog);
      expect(order.items.length).toBeGreaterThanOrEqual(1);
      expect(order.items.length).toBeLessThanOrEqual(2);
      expect(new Set(order.items.map((it) => it.sku)).size).toBe(order.items.length);
      expect(['PT', 'DE', 'FR', 'ES', 'NL']).toContain(order.shippingAddress.country);
      const total = order.items.reduce((s, it) => s + it.quantity * it.unitPrice.amountMinor, 0);
      expect(total).toBeLessThan(30_000);
      expect(order.customerId).toMatch(/^bench-c-\d{5}$/);
    }
  });

  it('spreads orders over many customers and SKUs (no hot row)', () => {
    const next = orderStream(1, catalog);
    const orders = Array.from({ length: 5_000 }, next);
    expect(new Set(orders.map((o) => o.customerId)).size).toBeGreaterThan(900);
    expect(new Set(orders.flatMap((o) => o.items.map((it) => it.sku))).size).toBeGreaterThan(450);
  });
});
