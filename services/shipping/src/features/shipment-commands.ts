import { assertNever } from '@orderflow/decider';
import type { IntegrationEvent } from '@orderflow/events';
import type { Executor } from '@orderflow/messaging';
import { fold, handleCommand, loadStream, lockKeys } from '@orderflow/messaging';
import type {
  DecodedMessage,
  EventHandler,
  EventPublisher,
  PrepareBatch,
} from '@orderflow/platform';
import type { Context, ShipmentCommand, ShipmentEvent, ShipmentState } from '../domain/shipment.js';
import { shipmentDecider } from '../domain/shipment.js';
import { reservations } from '../projections/reservations.js';
import { BatchStock } from './batch-stock.js';
import { toIntegration } from './to-integration.js';

export const streamOf = (orderId: string) => `shipment-${orderId}`;

/** The keys a shipping transaction for this order locks: its stream and the order. */
export const lockKeysFor = (orderId: string) => [streamOf(orderId), orderId];

/** The carrier policy from the configuration; the rest of the decider's context is per call. */
export type CarrierPolicy = Pick<Context, 'carrier' | 'transitDays' | 'deliverableCountries'>;

/** A command before the shell has gathered its context. */
type Intent = WithoutContext<ShipmentCommand>;
type WithoutContext<C> = C extends unknown ? Omit<C, 'context'> : never;

/**
 * Shipping's part of the saga: note the order and the payment in either order,
 * reserve and schedule once both are known, release on cancellation. Runs in the
 * consumer's transaction, which has already locked the order's keys; `prepareBatch`
 * locks and reads the batch's stock rows before any of its records is handled.
 */
export function shipmentFacts(
  publisher: EventPublisher,
  policy: CarrierPolicy,
  clock: () => Date = () => new Date(),
  newId: () => string = () => crypto.randomUUID(),
): { handle: EventHandler; prepareBatch: PrepareBatch } {
  const stock = new BatchStock();
  const handle: EventHandler = async (trx: Executor, { event, causation }: DecodedMessage) => {
    const intent = intentFor(event);
    if (!intent) return;
    const orderId = intent.data.orderId;
    const streamId = streamOf(orderId);
    // A no-op when the consumer locked them (it did); it fails loudly if anyone else
    // calls this after a write, since the stock lock below assigns the xid.
    await lockKeys(trx, lockKeysFor(orderId));
    // Loaded ahead of handleCommand, to learn which SKUs need stock, and handed to it:
    // nobody else can append to the stream while we hold its key.
    const stream = await loadStream<ShipmentEvent>(trx, streamId);
    const state = fold(
      shipmentDecider,
      stream.events.map((e) => ({ type: e.type, data: e.data }) as ShipmentEvent),
    );
    const available = await stock.available(trx, linesToReserve(intent, state));
    const context: Context = { ...policy, shipmentId: newId(), now: clock(), stock: available };
    const result = await handleCommand(trx, {
      decider: shipmentDecider,
      streamId,
      keys: lockKeysFor(orderId),
      command: { ...intent, context },
      metadata: { ...causation },
      loaded: stream,
      projections: [reservations],
      toMessages: (events) =>
        Promise.all(events.flatMap((e) => toIntegration(publisher, e, causation))),
    });
    stock.apply(trx, result.events);
  };
  return { handle, prepareBatch: stock.prepareBatch };
}

/**
 * Stock matters only to the command that completes the pair (order and payment);
 * locking it for any other would only make unrelated orders of the same SKUs wait.
 * The decider still decides: this may name lines it then ignores, never fewer.
 */
function linesToReserve(intent: Intent, state: ShipmentState) {
  if (intent.type === 'RecordOrderPlaced' && state.paid) return intent.data.lines;
  if (intent.type === 'RecordPaymentAuthorized' && state.order) return state.order.lines;
  return [];
}

/** The events shipping acts on; the others it consumes are only acknowledged. */
export const reactsTo = (event: IntegrationEvent): boolean => intentFor(event) !== undefined;

export function intentFor(event: IntegrationEvent): Intent | undefined {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, items, shippingAddress } = event.data;
      const lines = items.map(({ sku, quantity }) => ({ sku, quantity }));
      return { type: 'RecordOrderPlaced', data: { orderId, lines, address: shippingAddress } };
    }
    case 'PaymentAuthorized': {
      const { orderId, paymentId } = event.data;
      return { type: 'RecordPaymentAuthorized', data: { orderId, paymentId } };
    }
    case 'OrderCancelled':
      return { type: 'RecordOrderCancelled', data: { orderId: event.data.orderId } };
    // A declined payment never reaches shipping's decision: nothing is reserved until a
    // payment is authorized, and orders cancels the order (which shipping does hear).
    case 'PaymentDeclined':
    case 'PaymentRefunded':
    case 'OrderConfirmed':
    case 'ShipmentScheduled':
    case 'ShipmentFailed':
    case 'ShipmentCancelled':
    case 'NotificationSent':
      return undefined;
    default:
      assertNever(event);
  }
}
