import type { AfterCommit, Executor } from '@orderflow/messaging';
import { deferWrite } from '@orderflow/messaging';
import type { DecodedMessage, EventHandler, EventPublisher } from '@orderflow/platform';
import type { Insertable } from 'kysely';
import { react } from '../domain/saga.js';
import type { OrdersDatabase, SagaLogTable } from '../infra/database.js';
import { executeOrderCommand } from './order-commands.js';
import type { ObserveSaga } from './saga-metrics.js';

/**
 * What orders does with the other services' events: every one goes into the order's
 * saga log, and the ones the Order aggregate waits for become commands (the pure
 * `react` in domain/saga). Runs in the consumer's transaction, after the inbox has
 * seen the event id for the first time.
 */
export function recordSagaFacts(
  publisher: EventPublisher,
  observe: ObserveSaga,
  clock: () => Date = () => new Date(),
): EventHandler<OrdersDatabase> {
  return async (trx: Executor<OrdersDatabase>, message: DecodedMessage) => {
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
    const observed: AfterCommit[] = [];
    for (const command of react(event, { now: clock() })) {
      observed.push(
        observe(await executeOrderCommand(trx, publisher, orderId, command, causation)),
      );
    }
    return () => observed.forEach((afterCommit) => afterCommit());
  };
}

/** Saga log rows in one statement; an event already logged for its order is skipped. */
async function writeSagaLog(
  trx: Executor<OrdersDatabase>,
  rows: readonly Insertable<SagaLogTable>[],
) {
  await trx
    .insertInto('saga_log')
    .values([...rows])
    .onConflict((oc) => oc.columns(['order_id', 'event_id']).doNothing())
    .execute();
}
