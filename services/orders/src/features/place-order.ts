import { createHash, randomUUID } from 'node:crypto';
import { DomainError, OrderflowError } from '@orderflow/decider';
import type { PlaceOrderRequest } from '../domain/order.js';
import type { OrdersDb } from '../infra/database.js';
import type { Admission } from './admission-policy.js';
import type { OrderPlacements } from './order-placements.js';

/** Admission control refused a new order (see AdmissionControl); nothing was written. */
export class OverloadedError extends OrderflowError {
  readonly retriable = true;

  constructor(readonly retryAfterSeconds: number) {
    super('too many orders in flight to finish this one before its deadline; try again later');
  }
}

/** An Idempotency-Key used before with a different request body; nothing was written. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('this Idempotency-Key was used with a different request body');
  }
}

export interface PlaceOrderOutcome {
  orderId: string;
  /** True when an earlier request with the same Idempotency-Key placed the order. */
  replayed: boolean;
}

/**
 * Places an order: OrderPlaced in the order's stream, the view row and the outbox
 * row in one transaction (shared with the orders placed at the same moment, see
 * OrderPlacements). With an Idempotency-Key, the key is stored in the same
 * transaction, so a retry after a timeout either finds the order or places it — never
 * twice. A key reused with a different body is refused.
 */
export async function placeOrder(
  db: OrdersDb,
  placements: OrderPlacements,
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
  const hash = key && createHash('sha256').update(JSON.stringify(request)).digest('hex');
  if (key && hash) {
    const earlier = await findKey(db, key, hash);
    if (earlier) return earlier;
  }
  const admission: Admission & { settle?: () => void } = options.admit?.() ?? { admit: true };
  if (!admission.admit) throw new OverloadedError(admission.retryAfterSeconds);
  const orderId = randomUUID();
  try {
    await placements.place({
      orderId,
      request,
      causation: { correlationId: options.correlationId, causationId: orderId },
      now: options.now,
      ...(key && hash ? { idempotency: { key, hash } } : {}),
    });
  } catch (error) {
    // A concurrent request with the same key committed first: answer as it did.
    if (key && hash && isUniqueViolation(error)) {
      const earlier = await findKey(db, key, hash);
      if (earlier) return earlier;
    }
    throw error;
  } finally {
    admission.settle?.();
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
  if (row.request_hash !== hash) throw new IdempotencyKeyReusedError();
  return { orderId: row.order_id, replayed: true };
}

function isUniqueViolation(error: unknown): boolean {
  // pg's errors carry the SQLSTATE in `code`; anything else has none.
  return (error as { code?: string } | undefined)?.code === '23505';
}
