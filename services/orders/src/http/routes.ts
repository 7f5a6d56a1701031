import { asyncApiDocument } from '@orderflow/events';
import type { EventPublisher, JsonSchema } from '@orderflow/platform';
import {
  correlationIdOf,
  customerFilter,
  HttpApi,
  HttpProblem,
  maySee,
  notYourCustomer,
  principalOf,
  problem,
  Scopes,
  setLogOrderId,
} from '@orderflow/platform';
import { z } from 'zod';
import { InvalidOrderError, OrderConflictError } from '../domain/order.js';
import { cancelOrder } from '../features/cancel-order.js';
import type { ObserveSaga } from '../features/saga-metrics.js';
import type { AdmissionControl } from '../features/admission.js';
import type { OrderPlacements } from '../features/order-placements.js';
import { IdempotencyKeyReusedError, OverloadedError, placeOrder } from '../features/place-order.js';
import { findOrder, listOrders, sagaHistory } from '../features/read-orders.js';
import type { OrdersDb } from '../infra/database.js';
import {
  listOrdersQuery,
  order,
  orderIdParams,
  orderPage,
  orderRules,
  orderWithHistory,
  placeOrderHeaders,
  placeOrderRequest,
} from './schemas.js';
import type { PlaceOrderRequest } from './schemas.js';

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

const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({
  description,
  schema,
});

/** The public write API of the system, and the read side of the order. */
export function ordersRoutes({
  db,
  publisher,
  placements,
  observe,
  version,
  admission,
  clock = () => new Date(),
}: OrdersApi): HttpApi {
  const api = new HttpApi({
    title: 'orderflow orders API',
    version,
    description: 'Place, read and cancel orders. Everything else happens in the saga.',
  });

  // The event contract of the whole system, which orders serves for everyone.
  const contract = asyncApiDocument();
  api.get(
    '/asyncapi.json',
    {
      operationId: 'asyncApiDocument',
      summary: 'The AsyncAPI 3 document of every topic and event of the system',
      responses: { 200: { description: 'The document', body: z.looseObject({}) } },
    },
    (_input, res) => {
      res.json(contract);
    },
  );

  api.post(
    '/orders',
    {
      operationId: 'placeOrder',
      summary: 'Place an order; the saga then confirms or cancels it',
      description:
        'A customer token places orders for its own customer only (403 otherwise); a token with the orderflow:admin scope for any customer.',
      scopes: [Scopes.ordersWrite],
      rateLimited: true,
      headers: placeOrderHeaders,
      body: placeOrderRequest,
      responses: {
        201: {
          description: 'Order placed',
          body: order,
          headers: { Location: header('The order: /orders/{orderId}') },
        },
        200: {
          description: 'Replay of an earlier request with this Idempotency-Key',
          body: order,
          headers: { Location: header('The order: /orders/{orderId}') },
        },
        403: problem('The token lacks orders:write, or does not act for the customer of the order'),
        422: problem(
          `A rule the schema cannot state is broken: ${orderRules} Or the Idempotency-Key was used with another body.`,
        ),
        503: {
          ...problem('Too many orders in flight to finish this one in time; retry later'),
          headers: {
            'Retry-After': header('Seconds to wait', { type: 'string', pattern: '^[0-9]+$' }),
          },
        },
      },
    },
    async ({ body, headers }, res) => {
      if (!maySee(principalOf(res), body.customerId)) throw notYourCustomer(body.customerId);
      refuseRepeatedSkus(body);
      const outcome = await domainErrors(() =>
        placeOrder(db, placements, body, {
          idempotencyKey: headers['Idempotency-Key'],
          correlationId: correlationIdOf(res),
          now: clock(),
          ...(admission ? { admit: () => admission.check() } : {}),
        }),
      );
      setLogOrderId(outcome.orderId);
      const placed = await findOrder(db, outcome.orderId);
      res
        .status(outcome.replayed ? 200 : 201)
        .location(`/orders/${outcome.orderId}`)
        .json(placed);
    },
  );

  api.get(
    '/orders',
    {
      operationId: 'listOrders',
      summary: 'Orders, newest first, a page at a time',
      description:
        'A customer token sees its own customer’s orders only, and may filter by that customer only.',
      scopes: [Scopes.ordersRead],
      query: listOrdersQuery,
      responses: {
        200: { description: 'A page of orders', body: orderPage },
        403: problem('The token lacks orders:read, or does not act for the customer filtered by'),
      },
    },
    async ({ query }, res) => {
      const own = customerFilter(principalOf(res));
      if (own !== undefined && query.customerId !== undefined && query.customerId !== own)
        throw notYourCustomer(query.customerId);
      res.json(await listOrders(db, { ...query, customerId: query.customerId ?? own }));
    },
  );

  api.get(
    '/orders/{orderId}',
    {
      operationId: 'getOrder',
      summary: 'An order and its saga history',
      description: 'Another customer’s order is, for a customer token, no such order (404).',
      scopes: [Scopes.ordersRead],
      params: orderIdParams,
      responses: {
        200: { description: 'The order and its saga history', body: orderWithHistory },
        404: problem('No such order (for this token)'),
      },
    },
    async ({ params: { orderId } }, res) => {
      const found = await findOrder(db, orderId);
      if (!found || !maySee(principalOf(res), found.customerId))
        throw HttpProblem.notFound(`order ${orderId} does not exist`);
      res.json({ ...found, history: await sagaHistory(db, orderId) });
    },
  );

  api.post(
    '/orders/{orderId}/cancel',
    {
      operationId: 'cancelOrder',
      summary: 'Cancel a pending order at the customer’s request (again: no change)',
      description: 'Another customer’s order is, for a customer token, no such order (404).',
      scopes: [Scopes.ordersWrite],
      rateLimited: true,
      params: orderIdParams,
      responses: {
        200: { description: 'The order, cancelled', body: order },
        404: problem('No such order (for this token)'),
        409: problem('The order is confirmed and can no longer be cancelled'),
      },
    },
    async ({ params: { orderId } }, res) => {
      const existing = await findOrder(db, orderId);
      if (!existing || !maySee(principalOf(res), existing.customerId))
        throw HttpProblem.notFound(`order ${orderId} does not exist`);
      // The order's saga goes on in its own correlation id and trace (see cancelOrder).
      const request = { reason: 'CUSTOMER_REQUEST' as const, now: clock() };
      const result = await domainErrors(() =>
        cancelOrder(db, publisher, orderId, { ...request, causationId: correlationIdOf(res) }),
      );
      observe(result)();
      res.json(await findOrder(db, orderId));
    },
  );

  return api;
}

/** Each SKU at most once per order: a rule over the list that JSON Schema cannot state. */
function refuseRepeatedSkus({ items }: PlaceOrderRequest): void {
  const seen = new Set<string>();
  const repeated = items.flatMap(({ sku }, i) => {
    const again = seen.has(sku);
    seen.add(sku);
    return again ? [{ field: `/items/${i}/sku`, message: `${sku} is already in the order` }] : [];
  });
  if (repeated.length) throw HttpProblem.unprocessable('each SKU at most once', repeated);
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
    if (error instanceof IdempotencyKeyReusedError) {
      throw HttpProblem.unprocessable(error.message, [
        { field: 'Idempotency-Key', message: 'reused with a different request body' },
      ]);
    }
    if (error instanceof InvalidOrderError) {
      throw HttpProblem.unprocessable(error.message, [
        { field: `/${error.field}`, message: error.message },
      ]);
    }
    throw error;
  }
}
