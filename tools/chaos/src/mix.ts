/**
 * The orders a chaos run places: every path of the saga, in a fixed mix drawn from
 * the seed. Pure.
 *
 * - confirmed: a rich customer, plentiful stock, a served country;
 * - payment declined: a customer with little money, or none at all (no account);
 * - out of stock after payment: a scarce or sold-out SKU, so the payment is refunded;
 * - undeliverable: a country no carrier serves (a refund too);
 * - held for review: an amount at or above the threshold, cancelled by the customer
 *   later, or left for the saga deadline;
 * - customer cancel racing the saga, a moment after placing.
 */
import { draw, seededRandom } from './random.js';

export const reviewThresholdMinor = 50_000;

export const accounts = [
  ...['chaos-rich-1', 'chaos-rich-2', 'chaos-rich-3', 'chaos-rich-4'].map((customerId) => ({
    customerId,
    currency: 'EUR',
    openingMinor: 10_000_000_000,
  })),
  { customerId: 'chaos-low', currency: 'EUR', openingMinor: 20_000 },
] as const;

/** Scarce stock runs out early in a run; from then on its orders are refunded. */
export const stock = [
  { sku: 'CHAOS-PLENTY-1', opening: 1_000_000 },
  { sku: 'CHAOS-PLENTY-2', opening: 1_000_000 },
  { sku: 'CHAOS-SCARCE', opening: 40 },
  { sku: 'CHAOS-GONE', opening: 0 },
] as const;

export interface PlaceOrderBody {
  customerId: string;
  items: { sku: string; quantity: number; unitPrice: { amountMinor: number; currency: 'EUR' } }[];
  shippingAddress: {
    recipient: string;
    line1: string;
    city: string;
    postalCode: string;
    country: string;
  };
}

export interface PlannedOrder {
  body: PlaceOrderBody;
  /** Milliseconds after it is placed at which the customer cancels it; undefined: never. */
  cancelAfterMs: number | undefined;
}

export function planOrders(count: number, seed: number): PlannedOrder[] {
  const { between, pick, chance } = draw(seededRandom(seed));
  return Array.from({ length: count }, (): PlannedOrder => {
    const held = chance(0.04);
    const customerId = held
      ? pick(['chaos-rich-1', 'chaos-rich-2'])
      : pick([
          ...['chaos-rich-1', 'chaos-rich-2', 'chaos-rich-3', 'chaos-rich-4'].flatMap((c) => [
            c,
            c,
            c,
          ]),
          'chaos-low',
          'chaos-nobody',
        ]);
    const first = pick([
      ...['CHAOS-PLENTY-1', 'CHAOS-PLENTY-2'].flatMap((s) => [s, s, s, s]),
      'CHAOS-SCARCE',
      'CHAOS-GONE',
    ]);
    const items: PlaceOrderBody['items'] = [
      {
        sku: first,
        quantity: between(1, 3),
        unitPrice: {
          amountMinor: held ? reviewThresholdMinor : between(100, 4_900),
          currency: 'EUR',
        },
      },
    ];
    if (chance(0.3))
      items.push({
        sku: first === 'CHAOS-PLENTY-1' ? 'CHAOS-PLENTY-2' : 'CHAOS-PLENTY-1',
        quantity: 1,
        unitPrice: { amountMinor: between(100, 900), currency: 'EUR' },
      });
    return {
      body: {
        customerId,
        items,
        shippingAddress: {
          recipient: 'Chaos Customer',
          line1: `${between(1, 200)} Fault Street`,
          city: 'Lisbon',
          postalCode: '1000-001',
          // AQ: no carrier delivers there (shipping fails, the payment is refunded).
          country: chance(0.04) ? 'AQ' : 'PT',
        },
      },
      // Most held orders are cancelled by the customer; the rest wait for the deadline.
      cancelAfterMs: held
        ? chance(0.7)
          ? between(500, 5_000)
          : undefined
        : chance(0.08)
          ? between(0, 1_500)
          : undefined,
    };
  });
}
