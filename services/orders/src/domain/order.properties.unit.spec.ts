import * as fc from 'fast-check';
import type { CancellationReason, IntegrationEvent } from '@orderflow/events';
import { subscriptions } from '@orderflow/events';
import { deliveries, firstDeliveries } from '@orderflow/testing';
import type { OrderCommand, OrderEvent, OrderState } from './order.js';
import { OrderConflictError, orderDecider } from './order.js';
import { react } from './saga.js';

/**
 * The Order aggregate and its saga reaction (`react`), fed one order's facts in
 * every order they can arrive in: payments.events and shipping.events interleaved in
 * any way, records delivered again, and the customer's cancellation or the deadline at
 * any moment. Whatever the order, the order ends in exactly one outcome, the one its
 * first decisive fact calls for, and never changes after it.
 */
const orderId = 'o-1';
const now = new Date('2026-01-01T10:00:00Z');
const total = { amountMinor: 3_000, currency: 'EUR' };
const runs = { numRuns: 300 };

type Input =
  | { source: 'payments' | 'shipping'; event: IntegrationEvent }
  | { source: 'request'; command: Extract<OrderCommand, { type: 'CancelOrder' }> };

const place: OrderCommand = {
  type: 'PlaceOrder',
  data: {
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'SKU-1', quantity: 2, unitPrice: { amountMinor: 1_500, currency: 'EUR' } }],
    shippingAddress: {
      recipient: 'Ada',
      line1: '1 Loop Rd',
      city: 'Lisbon',
      postalCode: '1000-001',
      country: 'PT',
    },
    now,
  },
};

const fromPayments = (event: IntegrationEvent): Input => ({ source: 'payments', event });
const fromShipping = (event: IntegrationEvent): Input => ({ source: 'shipping', event });
const authorized = () =>
  fromPayments({
    type: 'PaymentAuthorized',
    data: { orderId, paymentId: 'p-1', customerId: 'c-1', amount: total },
  });
const scheduled = () =>
  fromShipping({
    type: 'ShipmentScheduled',
    data: {
      orderId,
      shipmentId: 's-1',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      carrier: 'DHL',
      eta: now,
    },
  });

/** What the other services may have published about the order, each topic in order. */
const paymentsTopic = fc.constantFrom('none', 'authorized', 'declined', 'refunded').map(
  (outcome): Input[] =>
    ({
      none: [],
      authorized: [authorized()],
      declined: [
        fromPayments({
          type: 'PaymentDeclined',
          data: { orderId, customerId: 'c-1', amount: total, reason: 'INSUFFICIENT_FUNDS' },
        }),
      ],
      refunded: [
        authorized(),
        fromPayments({
          type: 'PaymentRefunded',
          data: { orderId, paymentId: 'p-1', amount: total, reason: 'ORDER_CANCELLED' },
        }),
      ],
    })[outcome],
);
const shippingTopic = fc
  .constantFrom('none', 'scheduled', 'OUT_OF_STOCK', 'UNDELIVERABLE', 'released')
  .map((outcome): Input[] =>
    outcome === 'none'
      ? []
      : outcome === 'scheduled'
        ? [scheduled()]
        : outcome === 'released'
          ? [
              scheduled(),
              fromShipping({ type: 'ShipmentCancelled', data: { orderId, shipmentId: 's-1' } }),
            ]
          : [
              fromShipping({
                type: 'ShipmentFailed',
                data: { orderId, reason: outcome, detail: null },
              }),
            ],
  );
const requests = fc.array(
  fc.constantFrom('CUSTOMER_REQUEST', 'TIMEOUT').map((reason): Input => ({
    source: 'request',
    command: { type: 'CancelOrder', data: { reason, now } },
  })),
  { maxLength: 2 },
);

const handed = fc
  .tuple(paymentsTopic, shippingTopic, requests)
  .chain((topics) => deliveries<Input>(topics));

interface Step {
  input: Input;
  before: OrderState;
  produced: OrderEvent[];
  refused: boolean;
}

/** Places the order, hands it the inputs, then lets the saga deadline cancel it if pending. */
function run(inputs: readonly Input[]) {
  const { decide, evolve, initialState } = orderDecider;
  let state = initialState;
  const stream: OrderEvent[] = [];
  const steps: Step[] = [];
  const apply = (input: Input | undefined, command: OrderCommand) => {
    const before = state;
    let produced: OrderEvent[] = [];
    let refused = false;
    try {
      produced = decide(command, state);
    } catch (error) {
      if (!(error instanceof OrderConflictError)) throw error;
      refused = true;
    }
    state = produced.reduce(evolve, state);
    stream.push(...produced);
    if (input) steps.push({ input, before, produced, refused });
  };
  apply(undefined, place);
  for (const input of inputs) {
    const command = input.source === 'request' ? input.command : react(input.event, { now })[0];
    if (command) apply(input, command);
    else steps.push({ input, before: state, produced: [], refused: false });
  }
  if (state.status === 'PENDING') {
    apply(undefined, { type: 'CancelOrder', data: { reason: 'TIMEOUT', now } });
  }
  return { stream, steps, state };
}

type Outcome = { status: 'CONFIRMED' } | { status: 'CANCELLED'; reason: CancellationReason };

/** The specification: the first decisive fact wins; a pending order times out. */
function expectedOutcome(inputs: readonly Input[]): Outcome {
  let paid = false;
  let shipped = false;
  for (const input of inputs) {
    if (input.source === 'request') {
      return { status: 'CANCELLED', reason: input.command.data.reason };
    }
    const { event } = input;
    if (event.type === 'PaymentDeclined')
      return { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' };
    if (event.type === 'ShipmentFailed') return { status: 'CANCELLED', reason: event.data.reason };
    paid ||= event.type === 'PaymentAuthorized';
    shipped ||= event.type === 'ShipmentScheduled';
    if (paid && shipped) return { status: 'CONFIRMED' };
  }
  return { status: 'CANCELLED', reason: 'TIMEOUT' };
}

const terminal = (e: OrderEvent) => e.type === 'OrderConfirmed' || e.type === 'OrderCancelled';

describe('Order decider and saga reaction, over any interleaving and redelivery', () => {
  it('ends in the outcome of the first decisive fact, as its only and last terminal event', () => {
    fc.assert(
      fc.property(handed, (inputs) => {
        const { stream, state } = run(inputs);
        const expected = expectedOutcome(inputs);
        const last = stream.at(-1)!;
        expect(stream.filter(terminal)).toEqual([last]);
        expect(state.status).toBe(expected.status);
        if (expected.status === 'CANCELLED') {
          expect(last).toMatchObject({ type: 'OrderCancelled', data: { reason: expected.reason } });
        } else {
          expect(last).toEqual({
            type: 'OrderConfirmed',
            data: { paymentId: 'p-1', shipmentId: 's-1', confirmedAt: now.toISOString() },
          });
        }
      }),
      runs,
    );
  });

  it('never changes a terminal order, and refuses only a customer cancelling a confirmed one', () => {
    fc.assert(
      fc.property(handed, (inputs) => {
        for (const step of run(inputs).steps) {
          if (step.before.status === 'CONFIRMED' || step.before.status === 'CANCELLED') {
            expect(step.produced).toEqual([]);
          }
          if (step.refused) {
            expect(step.before.status).toBe('CONFIRMED');
            expect(step.input).toMatchObject({
              source: 'request',
              command: { data: { reason: 'CUSTOMER_REQUEST' } },
            });
          }
        }
      }),
      runs,
    );
  });

  it('records the same history whether or not records were delivered again', () => {
    fc.assert(
      fc.property(handed, (inputs) => {
        expect(run(inputs).stream).toEqual(run(firstDeliveries(inputs)).stream);
      }),
      runs,
    );
  });

  it('consumes what the contract lists, and turns into commands only the facts the order waits for', () => {
    const facts = ['PaymentAuthorized', 'PaymentDeclined', 'ShipmentScheduled', 'ShipmentFailed'];
    fc.assert(
      fc.property(handed, (inputs) => {
        for (const input of inputs) {
          if (input.source === 'request') continue;
          const { type } = input.event;
          expect(subscriptions.orders[input.source] as readonly string[]).toContain(type);
          expect({ type, command: react(input.event, { now }).length > 0 }).toEqual({
            type,
            command: facts.includes(type),
          });
        }
      }),
      runs,
    );
  });
});
