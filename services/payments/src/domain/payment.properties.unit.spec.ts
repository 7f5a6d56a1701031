import * as fc from 'fast-check';
import type { IntegrationEvent } from '@orderflow/events';
import { subscriptions } from '@orderflow/events';
import { deliveries, firstDeliveries } from '@orderflow/testing';
import type { PaymentEvent, PaymentState } from './payment.js';
import { paymentDecider } from './payment.js';
import { react, reactsTo } from './saga.js';

/**
 * The Payment aggregate and its saga reaction (`react`), fed one order's events in
 * every order they can arrive in: orders.events and shipping.events interleaved in any
 * way, and records delivered again. Whatever the order, money moves at most once each
 * way: the net charge is 0 once the order is cancelled or its shipment failed, and
 * exactly the order total when the order is confirmed.
 */
const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const runs = { numRuns: 300 };

type Input = { source: 'orders' | 'shipping'; event: IntegrationEvent };

const world = fc.record({
  total: fc.record({
    amountMinor: fc.integer({ min: 1, max: 100_000 }),
    currency: fc.constantFrom('EUR', 'USD'),
  }),
  /** undefined: the customer has no account. */
  balance: fc.option(
    fc.record({
      amountMinor: fc.integer({ min: 0, max: 200_000 }),
      currency: fc.constantFrom('EUR', 'USD'),
    }),
    { nil: undefined },
  ),
  reviewThresholdMinor: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
  order: fc.constantFrom('pending', 'confirmed', 'cancelled'),
  customerCancel: fc.constantFrom('CUSTOMER_REQUEST', 'TIMEOUT'),
  shipment: fc.constantFrom('none', 'scheduled', 'failed'),
  released: fc.boolean(),
});
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

const reactionContext = (w: World) => ({
  balance: w.balance,
  reviewThresholdMinor: w.reviewThresholdMinor,
  now,
  paymentId: 'p-1',
});

/**
 * The topics as the other services can have written them, given what payments decides
 * for this order (authorized, declined or held): shipping acts only on an authorized
 * payment, and orders confirms only an order that is paid and scheduled.
 */
function topicsOf(w: World): Input[][] {
  const fromOrders = (event: IntegrationEvent): Input => ({ source: 'orders', event });
  const fromShipping = (event: IntegrationEvent): Input => ({ source: 'shipping', event });
  const placed: IntegrationEvent = {
    type: 'OrderPlaced',
    data: {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: w.total }],
      total: w.total,
      shippingAddress: {
        recipient: 'Ada',
        line1: '1 Loop Rd',
        line2: null,
        city: 'Lisbon',
        postalCode: '1000-001',
        country: 'PT',
      },
      placedAt: now,
    },
  };
  const decision = paymentDecider.decide(
    react(placed, reactionContext(w))[0]!,
    paymentDecider.initialState,
  )[0]?.type;
  const shipment = decision === 'PaymentAuthorized' ? w.shipment : 'none';
  const order = w.order === 'confirmed' && shipment !== 'scheduled' ? 'cancelled' : w.order;
  const reason =
    shipment === 'failed'
      ? 'OUT_OF_STOCK'
      : decision === 'PaymentDeclined'
        ? 'PAYMENT_DECLINED'
        : w.customerCancel;
  const orders = [
    fromOrders(placed),
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
              data: { orderId, reason, detail: null, cancelledAt: now },
            }),
          ]
        : []),
  ];
  const shipping =
    shipment === 'failed'
      ? [
          fromShipping({
            type: 'ShipmentFailed',
            data: { orderId, reason: 'OUT_OF_STOCK', detail: 'SKU-1' },
          }),
        ]
      : shipment === 'scheduled'
        ? [
            fromShipping({
              type: 'ShipmentScheduled',
              data: {
                orderId,
                shipmentId: 's-1',
                items: [{ sku: 'SKU-1', quantity: 1 }],
                carrier: 'DHL',
                eta: now,
              },
            }),
            ...(order === 'cancelled' && w.released
              ? [fromShipping({ type: 'ShipmentCancelled', data: { orderId, shipmentId: 's-1' } })]
              : []),
          ]
        : [];
  return [orders, shipping];
}

const scenario = world.chain((w) =>
  deliveries(topicsOf(w)).map((inputs) => ({ world: w, inputs })),
);

interface Step {
  input: Input;
  before: PaymentState;
  produced: PaymentEvent[];
  /** Authorized minus refunded, after this step. */
  net: number;
}

function run(w: World, inputs: readonly Input[]) {
  const { decide, evolve, initialState } = paymentDecider;
  let state: PaymentState = initialState;
  let net = 0;
  const stream: PaymentEvent[] = [];
  const steps: Step[] = [];
  for (const input of inputs) {
    const command = react(input.event, reactionContext(w))[0];
    const before = state;
    const produced: PaymentEvent[] = command ? decide(command, state) : [];
    for (const event of produced) {
      if (event.type === 'PaymentAuthorized') net += event.data.amount.amountMinor;
      if (event.type === 'PaymentRefunded') net -= event.data.amount.amountMinor;
    }
    state = produced.reduce(evolve, state);
    stream.push(...produced);
    steps.push({ input, before, produced, net });
  }
  return { stream, steps, net, state };
}

const delivered = (inputs: readonly Input[], type: IntegrationEvent['type']) =>
  inputs.some((i) => i.event.type === type);
const count = (stream: readonly PaymentEvent[], type: PaymentEvent['type']) =>
  stream.filter((e) => e.type === type).length;

describe('Payment decider and saga reaction, over any interleaving and redelivery', () => {
  it('charges at most once and refunds at most once, so the net charge is 0 or the total', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        const { stream, steps } = run(w, inputs);
        expect(count(stream, 'PaymentAuthorized')).toBeLessThanOrEqual(1);
        expect(count(stream, 'PaymentRefunded')).toBeLessThanOrEqual(1);
        for (const step of steps) expect([0, w.total.amountMinor]).toContain(step.net);
      }),
      runs,
    );
  });

  it('nets to 0 when the order is cancelled or its shipment failed, to the total when confirmed', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        const { net, stream } = run(w, inputs);
        if (delivered(inputs, 'OrderCancelled') || delivered(inputs, 'ShipmentFailed')) {
          expect(net).toBe(0);
        } else if (delivered(inputs, 'OrderConfirmed')) {
          expect(net).toBe(w.total.amountMinor);
          expect(stream.map((e) => e.type)).toEqual(['PaymentAuthorized']);
        } else {
          // Still pending: charged if and only if it was authorized.
          expect(net).toBe(count(stream, 'PaymentAuthorized') * w.total.amountMinor);
        }
      }),
      runs,
    );
  });

  it('never changes a declined, refunded or voided payment, nor charges a held one', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        for (const step of run(w, inputs).steps) {
          if (['DECLINED', 'REFUNDED', 'VOIDED'].includes(step.before.status)) {
            expect(step.produced).toEqual([]);
          }
          if (step.before.status === 'HELD') {
            expect(step.produced.map((e) => e.type)).not.toContain('PaymentAuthorized');
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

  it('reacts to exactly the events the contract says payments acts on', () => {
    fc.assert(
      fc.property(scenario, ({ world: w, inputs }) => {
        for (const { source, event } of inputs) {
          const listed = (subscriptions.payments[source] as readonly string[]).includes(event.type);
          expect({ type: event.type, reacts: reactsTo(event) }).toEqual({
            type: event.type,
            reacts: listed,
          });
          expect(react(event, reactionContext(w)).length > 0).toBe(listed);
        }
      }),
      runs,
    );
  });
});
