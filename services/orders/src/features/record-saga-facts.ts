import { assertNever } from '@orderflow/decider';
import type { IntegrationEvent } from '@orderflow/events';
import type { Executor } from '@orderflow/messaging';
import { deferWrite } from '@orderflow/messaging';
import type { DecodedMessage, EventHandler, EventPublisher } from '@orderflow/platform';
import type { Insertable, Kysely } from 'kysely';
import type { OrderCommand } from '../domain/order.js';
import type { OrdersDatabase, SagaLogTable } from '../infra/database.js';
import { executeOrderCommand } from './order-commands.js';
import type { ObserveSaga } from './saga-metrics.js';

/**
 * What orders does with the other services' events: every one goes into the order's
 * saga log, and the ones the Order aggregate waits for become commands. Runs in the
 * consumer's transaction, after the inbox has seen the event id for the first time.
 */
export function recordSagaFacts(
  publisher: EventPublisher,
  observe: ObserveSaga,
  clock: () => Date = () => new Date(),
): EventHandler {
  return async (trx: Executor, message: DecodedMessage) => {
    const { event, headers, causation } = message;
    const orderId = event.data.orderId;
    await deferWrite(
      trx,
      'saga_log',
      {
        order_id: orderId,
        event_id: headers.id,
        type: event.type,
        source: headers.source,
        occurred_at: headers.time,
      },
      writeSagaLog,
    );
    const command = commandFor(event, clock());
    if (!command) return undefined;
    return observe(await executeOrderCommand(trx, publisher, orderId, command, causation));
  };
}

/** Saga log rows in one statement; an event already logged for its order is skipped. */
async function writeSagaLog(trx: Executor, rows: readonly Insertable<SagaLogTable>[]) {
  await (trx as Kysely<OrdersDatabase>)
    .insertInto('saga_log')
    .values([...rows])
    .onConflict((oc) => oc.columns(['order_id', 'event_id']).doNothing())
    .execute();
}

export function commandFor(event: IntegrationEvent, now: Date): OrderCommand | undefined {
  switch (event.type) {
    case 'PaymentAuthorized':
      return { type: 'RecordPaymentAuthorized', data: { paymentId: event.data.paymentId, now } };
    case 'PaymentDeclined':
      return { type: 'RecordPaymentDeclined', data: { reason: event.data.reason, now } };
    case 'ShipmentScheduled':
      return { type: 'RecordShipmentScheduled', data: { shipmentId: event.data.shipmentId, now } };
    case 'ShipmentFailed': {
      const { reason, detail } = event.data;
      return { type: 'RecordShipmentFailed', data: { reason, ...(detail ? { detail } : {}), now } };
    }
    // Compensations of the other services are history only (the order is already
    // cancelled); orders' own events and notifications are not consumed here.
    case 'PaymentRefunded':
    case 'ShipmentCancelled':
    case 'OrderPlaced':
    case 'OrderConfirmed':
    case 'OrderCancelled':
    case 'NotificationSent':
      return undefined;
    default:
      assertNever(event);
  }
}
