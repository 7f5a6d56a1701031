import { z } from 'zod';
import {
  listOrdersQuery,
  order,
  orderPage,
  orderWithHistory,
  placeOrderRequest,
} from './schemas.js';

const problem = {
  description: 'RFC 9457 problem details',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  },
};

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) },
});
const orderIdParameter = {
  name: 'orderId',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const correlationHeader = {
  'X-Correlation-Id': { description: 'The saga correlation id', schema: { type: 'string' } },
};

/** The OpenAPI 3.1 document served at /openapi.json, built from the validation schemas. */
export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'orderflow orders API',
      version,
      description: 'Place, read and cancel orders. Everything else happens in the saga.',
    },
    paths: {
      '/orders': {
        post: {
          operationId: 'placeOrder',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Retries with the same key and body return the first answer',
              schema: { type: 'string', maxLength: 200 },
            },
          ],
          requestBody: { required: true, content: json(placeOrderRequest, 'input') },
          responses: {
            '201': {
              description: 'Order placed',
              headers: correlationHeader,
              content: json(order),
            },
            '200': {
              description: 'Replay of an earlier request with this Idempotency-Key',
              content: json(order),
            },
            '400': problem,
            '413': problem,
            '422': problem,
          },
        },
        get: {
          operationId: 'listOrders',
          parameters: Object.entries(
            z.toJSONSchema(listOrdersQuery, { io: 'input' }).properties ?? {},
          ).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
          responses: {
            '200': { description: 'A page of orders, newest first', content: json(orderPage) },
            '400': problem,
          },
        },
      },
      '/orders/{orderId}': {
        get: {
          operationId: 'getOrder',
          parameters: [orderIdParameter],
          responses: {
            '200': {
              description: 'The order and its saga history',
              content: json(orderWithHistory),
            },
            '404': problem,
          },
        },
      },
      '/orders/{orderId}/cancel': {
        post: {
          operationId: 'cancelOrder',
          parameters: [orderIdParameter],
          responses: {
            '200': { description: 'The order, cancelled', content: json(order) },
            '404': problem,
            '409': problem,
          },
        },
      },
    },
  };
}
