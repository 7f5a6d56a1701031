import { context } from '@opentelemetry/api';
import { withUnitOfWork } from '../event-store/unit-of-work.js';
import { crashPoint } from '../crash-point.js';
import { beginBatch } from './begin-batch.js';
import type { Executor, MessagingTables } from '../types.js';
import type { Delivery } from './delivery.js';
import type { HandlerContext } from './inbound-message.js';

export type AfterCommit = () => void;

/**
 * Runs inside the transaction that also records the message in the inbox. It may
 * return a callback to run once that transaction has committed (metrics of what the
 * handler did, say), so nothing is counted for work that rolled back.
 */
export type MessageHandler<T = undefined, DB extends MessagingTables = MessagingTables> = (
  trx: Executor<DB>,
  message: Delivery<T>['message'],
  ctx: HandlerContext<T>,
) => Promise<void | AfterCommit>;

/**
 * Takes, before any handler of the batch runs, the row locks that the handlers will
 * take one by one (an account, stock rows), in one global order (sorted). Two batches
 * of different partitions then never wait for each other in a cycle.
 */
export type BeforeBatch<T, DB extends MessagingTables = MessagingTables> = (
  trx: Executor<DB>,
  deliveries: readonly Delivery<T>[],
) => Promise<void>;

export interface BatchParts<T, DB extends MessagingTables = MessagingTables> {
  db: Executor<DB>;
  inboxName: string;
  handler: MessageHandler<T, DB>;
  beforeBatch?: BeforeBatch<T, DB>;
}

export interface BatchResult {
  /** The deliveries the inbox had already seen: skipped. */
  duplicates: Set<Delivery<unknown>>;
  afterCommit: AfterCommit[];
}

/**
 * Handles deliveries (in offset order) in ONE transaction: their keys locked, their ids
 * in the inbox and their streams read in one statement (`beginBatch`), then
 * each new one's handler in its own trace context, in a unit of work whose writes
 * (events, projections, outbox, deferred writes) go out together at the end. A record
 * that throws rolls the whole transaction back; the caller then handles the records
 * one by one to isolate it.
 */
export async function handleBatch<T, DB extends MessagingTables>(
  parts: BatchParts<T, DB>,
  deliveries: readonly Delivery<T>[],
  ctx: Omit<HandlerContext<T>, 'traceContext' | 'decoded'>,
): Promise<BatchResult> {
  return parts.db.transaction().execute(async (trx) => {
    // First, before any write (see lockKeys for why the order matters): the keys
    // locked, the ids in the inbox and the streams read, in one round trip.
    const keys = [...new Set(deliveries.flatMap((d) => d.keys))];
    const { fresh, streams } = await beginBatch(
      trx,
      parts.inboxName,
      keys,
      deliveries.map((d) => d.message.id!),
      keys,
    );
    const duplicates = new Set<Delivery<unknown>>();
    const toHandle: Delivery<T>[] = [];
    for (const d of deliveries) {
      // An id the inbox had, or one this batch already carries, changes nothing.
      if (fresh.delete(d.message.id!)) toHandle.push(d);
      else duplicates.add(d);
    }
    const afterCommit: AfterCommit[] = [];
    if (toHandle.length === 0) return { duplicates, afterCommit };
    // The batch's writes through the event store go out together when the unit flushes.
    await withUnitOfWork(trx, async (unit) => {
      unit.know(keys, streams);
      await parts.beforeBatch?.(trx, toHandle);
      for (const d of toHandle) {
        const done = await context.with(d.context, () =>
          parts.handler(trx, d.message, {
            ...ctx,
            traceContext: d.context,
            decoded: d.decoded,
          }),
        );
        if (done) afterCommit.push(done);
      }
    });
    crashPoint('consumer.before-commit');
    return { duplicates, afterCommit };
  });
}
