import type { Executor } from '@orderflow/messaging';
import { handleCommand } from '@orderflow/messaging';
import type {
  DecodedMessage,
  EventHandler,
  EventPublisher,
  PrepareBatch,
} from '@orderflow/platform';
import { paymentDecider } from '../domain/payment.js';
import { react } from '../domain/saga.js';
import type { PaymentsDatabase } from '../infra/database.js';
import { ledger } from '../projections/ledger.js';
import { BatchBalances } from './batch-balances.js';
import { toIntegration } from './to-integration.js';

export const streamOf = (orderId: string) => `payment-${orderId}`;

/** The keys a payments transaction for this order locks: its stream and the order. */
export const lockKeysFor = (orderId: string) => [streamOf(orderId), orderId];

/**
 * Payments' part of the saga (the pure `react` in domain/saga), in the consumer's
 * transaction, which has already locked the order's keys: it reads the customer's
 * balance, then decides. `prepareBatch` locks and reads the batch's accounts before
 * any of its records is handled.
 */
export function paymentFacts(
  publisher: EventPublisher,
  policy: { reviewThresholdMinor: number | undefined },
  clock: () => Date = () => new Date(),
  newId: () => string = () => crypto.randomUUID(),
): { handle: EventHandler<PaymentsDatabase>; prepareBatch: PrepareBatch<PaymentsDatabase> } {
  const balances = new BatchBalances();
  const handle: EventHandler<PaymentsDatabase> = async (
    trx: Executor<PaymentsDatabase>,
    { event, causation }: DecodedMessage,
  ) => {
    // Locked until commit: two orders of one customer are authorized one after the other.
    const balance =
      event.type === 'OrderPlaced'
        ? await balances.balanceOf(trx, event.data.customerId)
        : undefined;
    const known = { ...policy, balance, now: clock(), paymentId: newId() };
    const orderId = event.data.orderId;
    for (const command of react(event, known)) {
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
    }
  };
  return { handle, prepareBatch: balances.prepareBatch };
}
