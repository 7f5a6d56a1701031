import * as fc from 'fast-check';
import type { IntegrationEvent } from '@orderflow/events';
import { subscriptions } from '@orderflow/events';
import { deliveries, firstDeliveries } from '@orderflow/testing';
import type { Context, Line, ShipmentEvent, ShipmentState } from './shipment.js';
import { shipmentDecider } from './shipment.js';
import { react, reactsTo } from './saga.js';

/**
 * The Shipment aggregate and its saga reaction (`react`), fed one order's events in
 * every order they can arrive in: orders.events and payments.events interleaved in any
 * way, and records delivered again. Whatever the order, stock is reserved all or
 * nothing and at most once, never beyond what is there, never before the order is
 * paid: the net reservation is 0 once the order is cancelled, and exactly the order's
 * lines when it is confirmed.
 */
const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const skus = ['SKU-A', 'SKU-B', 'SKU-C'] as const;
const deliverableCountries = ['PT', 'DE'];
const runs = { numRuns: 300 };

type Input = { source: 'orders' | 'payments'; event: IntegrationEvent };

const world = fc.record({
  lines: fc.array(
    fc.record({ sku: fc.constantFrom(...skus), quantity: fc.integer({ min: 1, max: 4 }) }),
    { minLength: 1, maxLength: 3 },
  ),
  country: fc.constantFrom('PT', 'DE', 'XX'),
  /** Units in stock per SKU before this order. */
  stock: fc.record({ 'SKU-A': fc.nat(8), 'SKU-B': fc.nat(8), 'SKU-C': fc.nat(8) }),
  payment: fc.constantFrom('none', 'authorized', 'declined', 'refunded'),
  order: fc.constantFrom('pending', 'confirmed', 'cancelled'),
});
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

const context = (stock: Readonly<Record<string, number>>): Context => ({
  shipmentId: 's-1',
  now,
  stock,
  deliverableCountries,
  carrier: 'DHL',
  transitDays: 2,
});

const address = (w: World) => ({
  recipient: 'Ada',
  line1: '1 Loop Rd',
  line2: null,
  city: 'Lisbon',
  postalCode: '1000-001',
  country: w.country,
});

/** Whether shipping would schedule this order once paid: stock and carrier allow it. */
function schedulable(w: World): boolean {
  const state = shipmentDecider.evolve(shipmentDecider.initialState, {
    type: 'OrderNoted',
    data: { orderId, lines: w.lines, address: address(w) },
  });
  const command = { type: 'RecordPaymentAuthorized' as const, data: { orderId, paymentId: 'p-1' } };
  return shipmentDecider
    .decide({ ...command, context: context(w.stock) }, state)
    .some((e) => e.type === 'ShipmentScheduled');
}

/**
 * The topics as the other services can have written them: orders confirms only a paid
 * order that shipping can schedule, and payments refunds only after a cancellation.
 */
function topicsOf(w: World): Input[][] {
  const fromOrders = (event: IntegrationEvent): Input => ({ source: 'orders', event });
  const fromPayments = (event: IntegrationEvent): Input => ({ source: 'payments', event });
  const amount = { amountMinor: 1_000, currency: 'EUR' };
  const confirmable = w.payment === 'authorized' && schedulable(w);
  const order =
    (w.order === 'confirmed' && !confirmable) || w.payment === 'refunded' ? 'cancelled' : w.order;
  const authorized = fromPayments({
    type: 'PaymentAuthorized',
    data: { orderId, paymentId: 'p-1', customerId: 'c-1', amount },
  });
  const payments = {
    none: [],
    authorized: [authorized],
    declined: [
      fromPayments({
        type: 'PaymentDeclined',
        data: { orderId, customerId: 'c-1', amount, reason: 'INSUFFICIENT_FUNDS' },
      }),
    ],
    refunded: [
      authorized,
      fromPayments({
        type: 'PaymentRefunded',
        data: { orderId, paymentId: 'p-1', amount, reason: 'ORDER_CANCELLED' },
      }),
    ],
  }[w.payment];
  const orders = [
    fromOrders({
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId: 'c-1',
        items: w.lines.map((l) => ({ ...l, unitPrice: amount })),
        total: amount,
        shippingAddress: address(w),
        placedAt: now,
      },
    }),
    ...(order === 'confirmed'
      ? [
          fromOrders({
            type: 'OrderConfirmed',
            data: { orderId, paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now },
          }),
        ]
      : order === 'cancelled'
        ? [
            fromOrders({
              type: 'OrderCancelled',
              data: { orderId, reason: 'CUSTOMER_REQUEST', detail: null, cancelledAt: now },
            }),
          ]
        : []),
  ];
  return [orders, payments];
}

const scenario = world.chain((w) =>
  deliveries(topicsOf(w)).map((inputs) => ({ world: w, inputs })),
);

interface Step {
  input: Input;
  before: ShipmentState;
  produced: ShipmentEvent[];
  /** Units reserved for this order per SKU, after this step. */
  reserved: Record<string, number>;
}

/** The shell's part, played here: stock as the reservations of this order leave it. */
function run(w: World, inputs: readonly Input[]) {
  const { decide, evolve, initialState } = shipmentDecider;
  let state = initialState;
  const reserved: Record<string, number> = { 'SKU-A': 0, 'SKU-B': 0, 'SKU-C': 0 };
  const reserve = (lines: readonly Line[], sign: 1 | -1) => {
    for (const l of lines) reserved[l.sku] = reserved[l.sku]! + sign * l.quantity;
  };
  const stream: ShipmentEvent[] = [];
  const steps: Step[] = [];
  for (const input of inputs) {
    const available = Object.fromEntries(skus.map((s) => [s, w.stock[s] - reserved[s]!]));
    const before = state;
    const produced = react(input.event, context(available)).flatMap((c) => decide(c, state));
    for (const event of produced) {
      if (event.type === 'ShipmentScheduled') reserve(event.data.lines, 1);
      if (event.type === 'ShipmentCancelled') reserve(event.data.lines, -1);
    }
    state = produced.reduce(evolve, state);
    stream.push(...produced);
    steps.push({ input, before, produced, reserved: { ...reserved } });
  }
  return { stream, steps, reserved, state };
}

const wanted = (w: World) => {
  const units: Record<string, number> = { 'SKU-A': 0, 'SKU-B': 0, 'SKU-C': 0 };
  for (const l of w.lines) units[l.sku] = units[l.sku]! + l.quantity;
  return units;
};
const none = { 'SKU-A': 0, 'SKU-B': 0, 'SKU-C': 0 };
const delivered = (inputs: readonly Input[], type: IntegrationEvent['type']) =>
  inputs.some((i) => i.event.type === type);
const count = (stream: readonly ShipmentEvent[], type: ShipmentEvent['type']) =>
  stream.filter((e) => e.type === type).length;

describe('Shipment decider and saga reaction, over any interleaving and redelivery', () => {
  it('reserves all lines or none, at most once, never beyond the stock', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        const { stream, steps } = run(w, inputs);
        expect(count(stream, 'ShipmentScheduled')).toBeLessThanOrEqual(1);
        expect(count(stream, 'ShipmentCancelled')).toBeLessThanOrEqual(1);
        for (const { reserved } of steps) {
          expect([none, wanted(w)]).toContainEqual(reserved);
          for (const sku of skus) expect(reserved[sku]).toBeLessThanOrEqual(w.stock[sku]);
        }
      }),
      runs,
    );
  });

  it('schedules only after both the order and its payment, and never after a cancellation', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        const { steps } = run(w, inputs);
        const at = steps.findIndex((s) => s.produced.some((e) => e.type === 'ShipmentScheduled'));
        if (at < 0) return;
        const seen = inputs.slice(0, at + 1);
        expect(delivered(seen, 'OrderPlaced') && delivered(seen, 'PaymentAuthorized')).toBe(true);
        expect(delivered(seen, 'OrderCancelled')).toBe(false);
      }),
      runs,
    );
  });

  it('nets to no reservation when the order is cancelled, to one of every line when confirmed', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        const { reserved, stream } = run(w, inputs);
        if (delivered(inputs, 'OrderCancelled')) {
          expect(reserved).toEqual(none);
        } else if (delivered(inputs, 'OrderConfirmed')) {
          expect(reserved).toEqual(wanted(w));
          expect(count(stream, 'ShipmentScheduled')).toBe(1);
          expect(count(stream, 'ShipmentCancelled')).toBe(0);
        }
      }),
      runs,
    );
  });

  it('never changes a failed or cancelled shipment', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        for (const step of run(w, inputs).steps) {
          if (step.before.status === 'FAILED' || step.before.status === 'CANCELLED') {
            expect(step.produced).toEqual([]);
          }
        }
      }),
      runs,
    );
  });

  it('decides the same whether or not records were delivered again', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        expect(run(w, inputs).stream).toEqual(run(w, firstDeliveries(inputs)).stream);
      }),
      runs,
    );
  });

  it('reacts to exactly the events the contract says shipping acts on', () => {
    fc.assert(
      fc.property(scenario, ({ inputs }) => {
        for (const { source, event } of inputs) {
          const listed = (subscriptions.shipping[source] as readonly string[]).includes(event.type);
          expect({ type: event.type, reacts: reactsTo(event) }).toEqual({
            type: event.type,
            reacts: listed,
          });
          expect(react(event, context(none)).length > 0).toBe(listed);
        }
      }),
      runs,
    );
  });
});
