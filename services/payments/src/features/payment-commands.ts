import { assertNever } from '@orderflow/decider';
import type { IntegrationEvent } from '@orderflow/events';
import type { Executor, RecordedEvent } from '@orderflow/messaging';
import { handleCommand } from '@orderflow/messaging';
import type {
  DecodedMessage,
  EventHandler,
  EventPublisher,
  PrepareBatch,
} from '@orderflow/platform';
import type { Money, PaymentCommand, PaymentEvent } from '../domain/payment.js';
import { paymentDecider } from '../domain/payment.js';
import { ledger } from '../projections/ledger.js';
import { BatchBalances } from './batch-balances.js';

export const streamOf = (orderId: string) => `payment-${orderId}`;

/** The keys a payments transaction for this order locks: its stream and the order. */
export const lockKeysFor = (orderId: string) => [streamOf(orderId), orderId];

/**
 * Payments' part of the saga: authorize on OrderPlaced; refund on OrderCancelled or
 * ShipmentFailed (whichever comes first; the decider refunds at most once). Runs in
 * the consumer's transaction, which has already locked the order's keys; `prepareBatch`
 * locks and reads the batch's accounts before any of its records is handled.
 */
export function paymentFacts(
  publisher: EventPublisher,
  policy: { reviewThresholdMinor: number | undefined },
  clock: () => Date = () => new Date(),
  newId: () => string = () => crypto.randomUUID(),
): { handle: EventHandler; prepareBatch: PrepareBatch } {
  const balances = new BatchBalances();
  const handle: EventHandler = async (trx: Executor, { event, causation }: DecodedMessage) => {
    // Locked until commit: two orders of one customer are authorized one after the other.
    const balance =
      event.type === 'OrderPlaced'
        ? await balances.balanceOf(trx, event.data.customerId)
        : undefined;
    const command = commandFor(event, { ...policy, balance, now: clock(), newId });
    if (!command) return;
    const orderId = event.data.orderId;
    const result = await handleCommand(trx, {
      decider: paymentDecider,
      streamId: streamOf(orderId),
      keys: lockKeysFor(orderId),
      command,
      metadata: { ...causation },
      projections: [ledger],
      toMessages: (events) =>
        Promise.all(events.flatMap((e) => toIntegration(publisher, e, causation))),
    });
    balances.apply(trx, result.events);
  };
  return { handle, prepareBatch: balances.prepareBatch };
}

/** The events payments acts on; the others it consumes are only acknowledged. */
export const reactsTo = (event: IntegrationEvent): boolean =>
  event.type === 'OrderPlaced' ||
  event.type === 'OrderCancelled' ||
  event.type === 'ShipmentFailed';

/**
 * The command an event asks payments for, pure: the shell has read the customer's
 * balance (for an OrderPlaced; undefined when the customer has no account).
 */
export function commandFor(
  event: IntegrationEvent,
  {
    balance,
    reviewThresholdMinor,
    now,
    newId,
  }: {
    balance: Money | undefined;
    reviewThresholdMinor: number | undefined;
    now: Date;
    newId: () => string;
  },
): PaymentCommand | undefined {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, total } = event.data;
      return {
        type: 'AuthorizePayment',
        data: {
          orderId,
          customerId,
          amount: total,
          paymentId: newId(),
          balance,
          reviewThresholdMinor,
          now,
        },
      };
    }
    case 'OrderCancelled':
      return {
        type: 'RefundPayment',
        data: { orderId: event.data.orderId, reason: 'ORDER_CANCELLED', now },
      };
    case 'ShipmentFailed':
      return {
        type: 'RefundPayment',
        data: { orderId: event.data.orderId, reason: 'SHIPMENT_FAILED', now },
      };
    case 'OrderConfirmed':
    case 'ShipmentScheduled':
    case 'ShipmentCancelled':
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
    case 'PaymentRefunded':
    case 'NotificationSent':
      return undefined;
    default:
      assertNever(event);
  }
}

/** Domain to contract. PaymentVoided is internal: nothing was charged, nothing to say. */
function toIntegration(
  publisher: EventPublisher,
  recorded: RecordedEvent<PaymentEvent>,
  causation: DecodedMessage['causation'],
) {
  const event = { type: recorded.type, data: recorded.data } as PaymentEvent;
  const { eventId: id, recordedAt: time } = recorded;
  switch (event.type) {
    case 'PaymentAuthorized': {
      const { orderId, paymentId, customerId, amount } = event.data;
      return [
        publisher.message(
          'PaymentAuthorized',
          { orderId, paymentId, customerId, amount },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'PaymentDeclined': {
      const { orderId, customerId, amount, reason } = event.data;
      return [
        publisher.message(
          'PaymentDeclined',
          { orderId, customerId, amount, reason },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'PaymentRefunded': {
      const { orderId, paymentId, amount, reason } = event.data;
      return [
        publisher.message(
          'PaymentRefunded',
          { orderId, paymentId, amount, reason },
          causation,
          time,
          id,
        ),
      ];
    }
    case 'PaymentVoided':
    case 'PaymentHeldForReview':
      return [];
    default:
      assertNever(event);
  }
}
