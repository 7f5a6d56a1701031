import type { Executor } from '@orderflow/messaging';
import { fold, handleCommand, loadStream, lockKeys } from '@orderflow/messaging';
import type {
  DecodedMessage,
  EventHandler,
  EventPublisher,
  PrepareBatch,
} from '@orderflow/platform';
import { linesToReserve, react, reactsTo } from '../domain/saga.js';
import type { Context, ShipmentEvent } from '../domain/shipment.js';
import { shipmentDecider } from '../domain/shipment.js';
import type { ShippingDatabase } from '../infra/database.js';
import { reservations } from '../projections/reservations.js';
import { BatchStock } from './batch-stock.js';
import { toIntegration } from './to-integration.js';

export const streamOf = (orderId: string) => `shipment-${orderId}`;

/** The keys a shipping transaction for this order locks: its stream and the order. */
export const lockKeysFor = (orderId: string) => [streamOf(orderId), orderId];

/** The carrier policy from the configuration; the rest of the decider's context is per call. */
export type CarrierPolicy = Pick<Context, 'carrier' | 'transitDays' | 'deliverableCountries'>;

/**
 * Shipping's part of the saga (the pure `react` in domain/saga), in the consumer's
 * transaction, which has already locked the order's keys: it reads the order's stream
 * and the stock the reaction needs, then decides. `prepareBatch` locks and reads the
 * batch's stock rows before any of its records is handled.
 */
export function shipmentFacts(
  publisher: EventPublisher,
  policy: CarrierPolicy,
  clock: () => Date = () => new Date(),
  newId: () => string = () => crypto.randomUUID(),
): { handle: EventHandler<ShippingDatabase>; prepareBatch: PrepareBatch<ShippingDatabase> } {
  const stock = new BatchStock();
  const handle: EventHandler<ShippingDatabase> = async (
    trx: Executor<ShippingDatabase>,
    { event, causation }: DecodedMessage,
  ) => {
    if (!reactsTo(event)) return;
    const orderId = event.data.orderId;
    const streamId = streamOf(orderId);
    // A no-op when the consumer locked them (it did); it fails loudly if anyone else
    // calls this after a write, since the stock lock below assigns the xid.
    await lockKeys(trx, lockKeysFor(orderId));
    // Loaded ahead of handleCommand, to learn which SKUs need stock, and handed to it:
    // nobody else can append to the stream while we hold its key.
    const stream = await loadStream<ShipmentEvent, ShippingDatabase>(trx, streamId);
    const state = fold(shipmentDecider, stream.events);
    const available = await stock.available(trx, linesToReserve(event, state));
    const context: Context = { ...policy, shipmentId: newId(), now: clock(), stock: available };
    for (const [index, command] of react(event, context).entries()) {
      const result = await handleCommand(trx, {
        decider: shipmentDecider,
        streamId,
        keys: lockKeysFor(orderId),
        command,
        metadata: { ...causation },
        // The stream read above holds until the first command appends to it.
        ...(index === 0 ? { loaded: stream } : {}),
        projections: [reservations],
        toMessages: (events) =>
          Promise.all(events.flatMap((e) => toIntegration(publisher, e, causation))),
      });
      stock.apply(trx, result.events);
    }
  };
  return { handle, prepareBatch: stock.prepareBatch };
}
