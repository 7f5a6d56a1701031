/**
 * The orders the load generator places: a fixed-seed stream of happy-path requests
 * over many customers and SKUs (so no row is hot), one or two lines each, delivered to
 * countries the default carrier serves, never near a review threshold. Pure.
 */

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

/** The seeded data every order draws from (see infra/seed.ts). */
export interface Catalog {
  customers: number;
  skus: number;
}

export const customerId = (i: number) => `bench-c-${String(i).padStart(5, '0')}`;
export const skuOf = (i: number) => `BENCH-SKU-${String(i).padStart(4, '0')}`;

const places = [
  { city: 'Lisbon', postalCode: '1000-001', country: 'PT' },
  { city: 'Berlin', postalCode: '10115', country: 'DE' },
  { city: 'Paris', postalCode: '75001', country: 'FR' },
  { city: 'Madrid', postalCode: '28001', country: 'ES' },
  { city: 'Amsterdam', postalCode: '1011', country: 'NL' },
] as const;

/** mulberry32: a small, fast PRNG; the same seed gives the same orders on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random: () => number, n: number) => Math.floor(random() * n);

/** The next order of the stream `random` drives. */
export function nextOrder(random: () => number, catalog: Catalog): PlaceOrderBody {
  const customer = pick(random, catalog.customers);
  const lines = 1 + pick(random, 2);
  const first = pick(random, catalog.skus);
  // Two distinct SKUs (the API refuses a SKU twice in one order).
  const skus =
    lines === 1 ? [first] : [first, (first + 1 + pick(random, catalog.skus - 1)) % catalog.skus];
  const place = places[pick(random, places.length)] ?? places[0];
  return {
    customerId: customerId(customer),
    items: skus.map((s) => ({
      sku: skuOf(s),
      quantity: 1 + pick(random, 3),
      unitPrice: { amountMinor: 100 + pick(random, 4900), currency: 'EUR' as const },
    })),
    shippingAddress: {
      recipient: `Customer ${customer}`,
      line1: `${1 + pick(random, 200)} Bench Street`,
      city: place.city,
      postalCode: place.postalCode,
      country: place.country,
    },
  };
}

/** A stream of orders for one run of the load generator. */
export function orderStream(seed: number, catalog: Catalog): () => PlaceOrderBody {
  const random = seededRandom(seed);
  return () => nextOrder(random, catalog);
}
