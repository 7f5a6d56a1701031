import { createHash, randomUUID } from 'node:crypto';
import type { Causation, EventPublisher } from '@orderflow/platform';
import { HttpProblem } from '@orderflow/platform';
import type { OrdersDb } from '../infra/database.js';
import type { PlaceOrderRequest } from '../http/schemas.js';
import type { Admission } from './admission-policy.js';
import { executeOrderCommand } from './order-commands.js';

/** Admission control refused a new order (see AdmissionControl); nothing was written. */
export class OverloadedError extends Error {
  override readonly name = 'OverloadedError';
  constructor(readonly retryAfterSeconds: number) {
    super('too many orders in flight to finish this one before its deadline; try again later');
  }
}

export interface PlaceOrderOutcome {
  orderId: string;
  /** True when an earlier request with the same Idempotency-Key placed the order. */
  replayed: boolean;
}

/**
 * Places an order: OrderPlaced in the order's stream, the view row and the outbox
 * row in one transaction. With an Idempotency-Key, the key is stored in the same
 * transaction, so a retry after a timeout either finds the order or places it — never
 * twice. A key reused with a different body is refused.
 */
export async function placeOrder(
  db: OrdersDb,
  publisher: EventPublisher,
  request: PlaceOrderRequest,
  options: {
    idempotencyKey?: string;
    correlationId: string;
    now: Date;
    /** Admission control: asked only for an order that would be new. */
    admit?: () => Admission & { settle?: () => void };
  },
): Promise<PlaceOrderOutcome> {
  const { idempotencyKey: key } = options;
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  if (key) {
    const earlier = await findKey(db, key, hash);
    if (earlier) return earlier;
  }
  const admission: Admission & { settle?: () => void } = options.admit?.() ?? { admit: true };
  if (!admission.admit) throw new OverloadedError(admission.retryAfterSeconds);
  try {
    return await placeNew(db, publisher, request, hash, options);
  } finally {
    admission.settle?.();
  }
}

async function placeNew(
  db: OrdersDb,
  publisher: EventPublisher,
  request: PlaceOrderRequest,
  hash: string,
  options: { idempotencyKey?: string; correlationId: string; now: Date },
): Promise<PlaceOrderOutcome> {
  const { idempotencyKey: key } = options;
  const orderId = randomUUID();
  const causation: Causation = { correlationId: options.correlationId, causationId: orderId };
  try {
    await db.transaction().execute(async (trx) => {
      await executeOrderCommand(
        trx,
        publisher,
        orderId,
        { type: 'PlaceOrder', data: { orderId, ...request, now: options.now } },
        causation,
        'no_stream',
      );
      if (key)
        await trx
          .insertInto('idempotency_keys')
          .values({ key, request_hash: hash, order_id: orderId })
          .execute();
    });
  } catch (error) {
    // A concurrent request with the same key committed first: answer as it did.
    if (key && isUniqueViolation(error)) {
      const earlier = await findKey(db, key, hash);
      if (earlier) return earlier;
    }
    throw error;
  }
  return { orderId, replayed: false };
}

async function findKey(
  db: OrdersDb,
  key: string,
  hash: string,
): Promise<PlaceOrderOutcome | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['order_id', 'request_hash'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash) {
    throw HttpProblem.unprocessable('this Idempotency-Key was used with a different request body', [
      { field: 'Idempotency-Key', message: 'reused with a different request body' },
    ]);
  }
  return { orderId: row.order_id, replayed: true };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '23505';
}
