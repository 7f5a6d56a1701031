import { DeciderSpecification } from '@orderflow/decider';
import type { PaymentCommand, PaymentEvent } from './payment.js';
import { paymentDecider } from './payment.js';

const t1 = new Date('2026-01-01T10:00:01Z');
const t2 = new Date('2026-01-01T10:00:02Z');
const spec = DeciderSpecification.for(paymentDecider);
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

const authorize = (
  balance: { amountMinor: number; currency: string } | undefined,
  reviewThresholdMinor?: number,
): PaymentCommand => ({
  type: 'AuthorizePayment',
  data: {
    orderId: 'o-1',
    customerId: 'c-1',
    amount: eur(3000),
    paymentId: 'p-1',
    balance,
    reviewThresholdMinor,
    now: t1,
  },
});
const held: PaymentEvent = {
  type: 'PaymentHeldForReview',
  data: { orderId: 'o-1', customerId: 'c-1', amount: eur(3000), at: t1.toISOString() },
};
const refund: PaymentCommand = {
  type: 'RefundPayment',
  data: { orderId: 'o-1', reason: 'SHIPMENT_FAILED', now: t2 },
};
const authorized: PaymentEvent = {
  type: 'PaymentAuthorized',
  data: {
    orderId: 'o-1',
    paymentId: 'p-1',
    customerId: 'c-1',
    amount: eur(3000),
    at: t1.toISOString(),
  },
};
const declined = (
  reason: 'INSUFFICIENT_FUNDS' | 'UNKNOWN_CUSTOMER' | 'CURRENCY_MISMATCH',
): PaymentEvent => ({
  type: 'PaymentDeclined',
  data: { orderId: 'o-1', customerId: 'c-1', amount: eur(3000), reason, at: t1.toISOString() },
});
const refunded: PaymentEvent = {
  type: 'PaymentRefunded',
  data: {
    orderId: 'o-1',
    paymentId: 'p-1',
    customerId: 'c-1',
    amount: eur(3000),
    reason: 'SHIPMENT_FAILED',
    at: t2.toISOString(),
  },
};
const voided: PaymentEvent = {
  type: 'PaymentVoided',
  data: { orderId: 'o-1', reason: 'SHIPMENT_FAILED', at: t2.toISOString() },
};

describe('Payment decider', () => {
  it('authorizes when the balance covers the amount exactly', () =>
    spec
      .given([])
      .when(authorize(eur(3000)))
      .then([authorized]));

  it('declines on insufficient funds', () =>
    spec
      .given([])
      .when(authorize(eur(2999)))
      .then([declined('INSUFFICIENT_FUNDS')]));

  it('declines a customer without an account', () =>
    spec
      .given([])
      .when(authorize(undefined))
      .then([declined('UNKNOWN_CUSTOMER')]));

  it('declines a payment in another currency than the account', () =>
    spec
      .given([])
      .when(authorize({ amountMinor: 10_000, currency: 'USD' }))
      .then([declined('CURRENCY_MISMATCH')]));

  it('authorizes at most once per order', () =>
    spec
      .given([authorized])
      .when(authorize(eur(9999)))
      .then([]));

  it('refunds an authorized payment', () => spec.given([authorized]).when(refund).then([refunded]));

  it('refunds at most once (cancellation and shipment failure both ask)', () =>
    spec.given([authorized, refunded]).when(refund).then([]));

  it('has nothing to refund after a decline', () =>
    spec
      .given([declined('INSUFFICIENT_FUNDS')])
      .when(refund)
      .then([]));

  it('voids a payment whose refund request arrives before its authorization', () =>
    spec.given([]).when(refund).then([voided]));

  it('never authorizes a voided payment', () =>
    spec
      .given([voided])
      .when(authorize(eur(9999)))
      .then([]));

  it('holds an amount at the review threshold for manual review', () =>
    spec
      .given([])
      .when(authorize(eur(9999), 3000))
      .then([held]));

  it('authorizes below the review threshold', () =>
    spec
      .given([])
      .when(authorize(eur(9999), 3001))
      .then([authorized]));

  it('declines rather than holds when the balance is short anyway', () =>
    spec
      .given([])
      .when(authorize(eur(10), 3000))
      .then([declined('INSUFFICIENT_FUNDS')]));

  it('voids a held payment when the order is cancelled: nothing was charged', () =>
    spec.given([held]).when(refund).then([voided]));
});
