/**
 * The Payment aggregate, one stream per order: authorize once, refund at most once.
 * The customer's available balance arrives in the command (the shell reads it under
 * a row lock); the decider only decides.
 *
 * Orders at or above the review threshold are held for manual review instead: no
 * money moves and nothing is published, so the order stays pending until a person
 * decides or the saga deadline cancels it.
 *
 * Compensation: a refund request (the order was cancelled, or shipping failed) for
 * an authorized payment refunds it; for a payment not yet authorized it leaves a
 * marker, so that an authorization arriving late is never acted on.
 */
import { assertNever } from '@orderflow/decider';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** Events are stored as JSON, so their times are ISO-8601 strings; commands carry Dates. */
export type Timestamp = string;

/** Why a payment is given back: the two compensations of the saga. */
export type RefundReason = 'SHIPMENT_FAILED' | 'ORDER_CANCELLED';

export type DeclineReason = 'INSUFFICIENT_FUNDS' | 'UNKNOWN_CUSTOMER' | 'CURRENCY_MISMATCH';

export type PaymentCommand =
  | {
      type: 'AuthorizePayment';
      data: {
        orderId: string;
        customerId: string;
        amount: Money;
        paymentId: string;
        /** undefined when the customer has no account */
        balance: Money | undefined;
        /** Amounts at or above this (minor units) wait for manual review; undefined: never. */
        reviewThresholdMinor: number | undefined;
        now: Date;
      };
    }
  | { type: 'RefundPayment'; data: { orderId: string; reason: RefundReason; now: Date } };

export type PaymentEvent =
  | {
      type: 'PaymentAuthorized';
      data: {
        orderId: string;
        paymentId: string;
        customerId: string;
        amount: Money;
        at: Timestamp;
      };
    }
  | {
      type: 'PaymentDeclined';
      data: {
        orderId: string;
        customerId: string;
        amount: Money;
        reason: DeclineReason;
        at: Timestamp;
      };
    }
  | {
      type: 'PaymentRefunded';
      data: {
        orderId: string;
        paymentId: string;
        customerId: string;
        amount: Money;
        reason: RefundReason;
        at: Timestamp;
      };
    }
  | { type: 'PaymentVoided'; data: { orderId: string; reason: RefundReason; at: Timestamp } }
  | {
      type: 'PaymentHeldForReview';
      data: { orderId: string; customerId: string; amount: Money; at: Timestamp };
    };

export type PaymentState =
  | { status: 'NONE' }
  | { status: 'AUTHORIZED'; paymentId: string; customerId: string; amount: Money }
  | { status: 'HELD' | 'DECLINED' | 'REFUNDED' | 'VOIDED' };

export const initialState: PaymentState = { status: 'NONE' };

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'AuthorizePayment': {
      if (state.status !== 'NONE') return []; // a redelivery, or the order is already void
      const { orderId, customerId, amount, paymentId, balance, reviewThresholdMinor, now } =
        command.data;
      const reason = declineReason(amount, balance);
      if (
        !reason &&
        reviewThresholdMinor !== undefined &&
        amount.amountMinor >= reviewThresholdMinor
      ) {
        return [
          {
            type: 'PaymentHeldForReview',
            data: { orderId, customerId, amount, at: now.toISOString() },
          },
        ];
      }
      return reason
        ? [
            {
              type: 'PaymentDeclined',
              data: { orderId, customerId, amount, reason, at: now.toISOString() },
            },
          ]
        : [
            {
              type: 'PaymentAuthorized',
              data: { orderId, paymentId, customerId, amount, at: now.toISOString() },
            },
          ];
    }
    case 'RefundPayment': {
      const { orderId, reason, now } = command.data;
      if (state.status === 'AUTHORIZED') {
        const { paymentId, customerId, amount } = state;
        return [
          {
            type: 'PaymentRefunded',
            data: { orderId, paymentId, customerId, amount, reason, at: now.toISOString() },
          },
        ];
      }
      // Nothing was charged (not seen yet, or held for review): void it, so a late
      // authorization is never acted on.
      if (state.status === 'NONE' || state.status === 'HELD') {
        return [{ type: 'PaymentVoided', data: { orderId, reason, at: now.toISOString() } }];
      }
      return []; // declined, refunded or voided already: nothing to give back
    }
    default:
      return assertNever(command);
  }
}

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { paymentId, customerId, amount } = event.data;
      return { status: 'AUTHORIZED', paymentId, customerId, amount };
    }
    case 'PaymentDeclined':
      return { status: 'DECLINED' };
    case 'PaymentRefunded':
      return { status: 'REFUNDED' };
    case 'PaymentVoided':
      return { status: 'VOIDED' };
    case 'PaymentHeldForReview':
      return { status: 'HELD' };
    default:
      return assertNever(event);
  }
}

export const paymentDecider = { decide, evolve, initialState };

function declineReason(amount: Money, balance: Money | undefined): DeclineReason | undefined {
  if (!balance) return 'UNKNOWN_CUSTOMER';
  if (balance.currency !== amount.currency) return 'CURRENCY_MISMATCH';
  if (balance.amountMinor < amount.amountMinor) return 'INSUFFICIENT_FUNDS';
  return undefined;
}
