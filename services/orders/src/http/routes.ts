import { asyncApiDocument } from '@orderflow/events';
import type { EventPublisher } from '@orderflow/platform';
import { correlationIdOf, HttpProblem, setLogOrderId, validate } from '@orderflow/platform';
import { Router } from 'express';
import { InvalidOrderError, OrderConflictError } from '../domain/order.js';
import { executeOrderCommand } from '../features/order-commands.js';
import type { ObserveSaga } from '../features/saga-metrics.js';
import type { AdmissionControl } from '../features/admission.js';
import type { OrderPlacements } from '../features/order-placements.js';
import { OverloadedError, placeOrder } from '../features/place-order.js';
import { findOrder, listOrders, sagaHistory } from '../features/read-orders.js';
import type { OrdersDb } from '../infra/database.js';
import { openApiDocument } from './openapi.js';
import { idempotencyKey, listOrdersQuery, orderIdParam, placeOrderRequest } from './schemas.js';

export interface OrdersApi {
  db: OrdersDb;
  publisher: EventPublisher;
  /** Where new orders are written (group commit). */
  placements: OrderPlacements;
  observe: ObserveSaga;
  version: string;
  /** Refuses new orders under overload; absent, every valid order is accepted. */
  admission?: Pick<AdmissionControl, 'check'> | undefined;
  clock?: () => Date;
}

/** The public write API of the system, and the read side of the order. */
export function ordersRoutes({
  db,
  publisher,
  placements,
  observe,
  version,
  admission,
  clock = () => new Date(),
}: OrdersApi): Router {
  const routes = Router();
  const document = openApiDocument(version);

  routes.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  // The event contract of the whole system, which orders serves for everyone.
  const contract = asyncApiDocument();
  routes.get('/asyncapi.json', (_req, res) => {
    res.json(contract);
  });

  routes.post('/orders', async (req, res) => {
    const body = validate(placeOrderRequest, req.body);
    const rawKey = req.get('Idempotency-Key');
    const key =
      rawKey === undefined ? undefined : validate(idempotencyKey, rawKey, 'Idempotency-Key header');
    const outcome = await domainErrors(() =>
      placeOrder(db, placements, body, {
        idempotencyKey: key,
        correlationId: correlationIdOf(res),
        now: clock(),
        ...(admission ? { admit: () => admission.check() } : {}),
      }),
    );
    setLogOrderId(outcome.orderId);
    const order = await findOrder(db, outcome.orderId);
    res
      .status(outcome.replayed ? 200 : 201)
      .location(`/orders/${outcome.orderId}`)
      .json(order);
  });

  routes.get('/orders', async (req, res) => {
    res.json(await listOrders(db, validate(listOrdersQuery, req.query, 'query string')));
  });

  routes.get('/orders/:orderId', async (req, res) => {
    const orderId = validate(orderIdParam, req.params['orderId'], 'order id');
    const order = await findOrder(db, orderId);
    if (!order) throw HttpProblem.notFound(`order ${orderId} does not exist`);
    res.json({ ...order, history: await sagaHistory(db, orderId) });
  });

  routes.post('/orders/:orderId/cancel', async (req, res) => {
    const orderId = validate(orderIdParam, req.params['orderId'], 'order id');
    const existing = await findOrder(db, orderId);
    if (!existing) throw HttpProblem.notFound(`order ${orderId} does not exist`);
    const result = await domainErrors(() =>
      db
        .transaction()
        .execute((trx) =>
          executeOrderCommand(
            trx,
            publisher,
            orderId,
            { type: 'CancelOrder', data: { reason: 'CUSTOMER_REQUEST', now: clock() } },
            { correlationId: correlationIdOf(res), causationId: `cancel:${orderId}` },
          ),
        ),
    );
    observe(result)();
    res.json(await findOrder(db, orderId));
  });

  return routes;
}

/** Domain errors map to HTTP once, here. */
async function domainErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof OrderConflictError) throw HttpProblem.conflict(error.message);
    if (error instanceof OverloadedError) {
      throw HttpProblem.unavailable(error.message, error.retryAfterSeconds);
    }
    if (error instanceof InvalidOrderError) {
      throw HttpProblem.unprocessable(error.message, [
        { field: `/${error.field}`, message: error.message },
      ]);
    }
    throw error;
  }
}
