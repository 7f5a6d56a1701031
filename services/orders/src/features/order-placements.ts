import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import type { Executor } from '@orderflow/messaging';
import { deferWrite, lockKeys, withUnitOfWork } from '@orderflow/messaging';
import type { Causation, EventPublisher } from '@orderflow/platform';
import type { Insertable } from 'kysely';
import type { PlaceOrderRequest } from '../domain/order.js';
import type { IdempotencyKeysTable, OrdersDatabase, OrdersDb } from '../infra/database.js';
import { executeOrderCommand, lockKeysFor } from './order-commands.js';

/** An order to place under a fresh id, with what its request brought. */
export interface NewOrder {
  orderId: string;
  request: PlaceOrderRequest;
  causation: Causation;
  now: Date;
  idempotency?: { key: string; hash: string };
}

interface Waiting {
  order: NewOrder;
  /** The request's trace: the order's events continue it. */
  trace: Context;
  done: (error?: unknown) => void;
}

/**
 * Places new orders with group commit. An order placed while no placement transaction
 * runs goes at once; orders placed while one runs wait for it and then go together, in
 * one transaction whose writes (events, orders_view rows, outbox rows, idempotency
 * keys) are one statement each (a unit of work). Under load the groups grow with the
 * commit time, so the transactions per second stay few, and no order waits for a
 * timer. A group that fails is placed again one order per transaction, so one bad
 * order (a concurrent request with the same Idempotency-Key, say) fails alone.
 */
export class OrderPlacements {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly db: OrdersDb,
    private readonly publisher: EventPublisher,
    private readonly maxGroup = 100,
  ) {}

  /** Resolves once the order is committed. */
  place(order: NewOrder): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => (error === undefined ? resolve() : reject(asError(error)));
      this.waiting.push({ order, trace: context.active(), done });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxGroup);
        try {
          await this.commit(group);
          for (const w of group) w.done();
        } catch (error) {
          if (group.length === 1) group[0]!.done(error);
          else await Promise.all(group.map((w) => this.alone(w)));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      await this.commit([w]);
      w.done();
    } catch (error) {
      w.done(error);
    }
  }

  private commit(group: readonly Waiting[]): Promise<void> {
    return this.db.transaction().execute((trx) =>
      withUnitOfWork(trx, async () => {
        // Every order's keys in one statement, before anything is written.
        await lockKeys(
          trx,
          group.flatMap((w) => lockKeysFor(w.order.orderId)),
        );
        for (const { order, trace } of group) {
          await context.with(trace, () => this.write(trx, order));
        }
      }),
    );
  }

  private async write(trx: Executor<OrdersDatabase>, order: NewOrder): Promise<void> {
    const { orderId, request, causation, now, idempotency } = order;
    await executeOrderCommand(
      trx,
      this.publisher,
      orderId,
      { type: 'PlaceOrder', data: { orderId, ...request, now } },
      causation,
      // A fresh id: there is no stream to load, and the append fails if there were one.
      { expectedVersion: 'no_stream' },
    );
    if (idempotency) {
      const row = { key: idempotency.key, request_hash: idempotency.hash, order_id: orderId };
      await deferWrite(trx, 'idempotency_keys', row, writeKeys);
    }
  }
}

/** What a commit throws is an Error (pg's are); anything else is wrapped. */
const asError = (error: unknown) =>
  error instanceof Error ? error : new Error(`placement failed: ${JSON.stringify(error)}`);

async function writeKeys(
  trx: Executor<OrdersDatabase>,
  rows: readonly Insertable<IdempotencyKeysTable>[],
) {
  await trx
    .insertInto('idempotency_keys')
    .values([...rows])
    .execute();
}
