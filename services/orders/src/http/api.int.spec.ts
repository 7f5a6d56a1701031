import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unresolvedRefs } from '@orderflow/platform';
import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import { startOrders } from '../app.js';

// Jest runs this file as CommonJS, where __dirname is defined.
const generatedAsyncApi = path.resolve(
  __dirname,
  '../../../../libs/events/src/generated/asyncapi.json',
);

interface Problem {
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/**
 * The orders API as its OpenAPI document describes it: what it refuses, with which
 * status, naming which field. In-process against the real stack.
 */
describe('orders HTTP API', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest('orders', startOrders, {
      ADMISSION_CONTROL: false,
      ADMISSION_MIN_IN_FLIGHT: 100,
      ADMISSION_SAMPLE_MS: 250,
      SAGA_DEADLINE_MS: 600_000,
      SAGA_DEADLINE_SCAN_MS: 1_000,
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  const order = {
    customerId: 'c-ada',
    items: [{ sku: 'SKU-1', quantity: 2, unitPrice: { amountMinor: 1250, currency: 'EUR' } }],
    shippingAddress: {
      recipient: 'Ada',
      line1: '1 Loop Rd',
      city: 'Lisbon',
      postalCode: '1000-001',
      country: 'PT',
    },
  };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${service.baseUrl}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: service.authorization,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const problemOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as Problem;
  };
  const fields = async (res: Response) =>
    ((await problemOf(res)).errors ?? []).map((e) => e.field).sort();

  it('refuses a NUL or a lone surrogate in any stored address line, naming the field', async () => {
    // Written as JSON text: the escapes reach the server as they would from any client.
    const body = JSON.stringify(order)
      .replace('"Ada"', '"A\\u0000da"')
      .replace('"Lisbon"', '"Lis\\ud800bon"');
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await fields(res)).toEqual(['/shippingAddress/city', '/shippingAddress/recipient']);
    const line2 = await post({
      ...order,
      shippingAddress: { ...order.shippingAddress, line2: 'x\u0000' },
    });
    expect(await fields(line2)).toEqual(['/shippingAddress/line2']);
  });

  it('stores text with other scripts and emoji, trimmed', async () => {
    const res = await post({
      ...order,
      shippingAddress: { ...order.shippingAddress, recipient: '  Zoë 😀 ', line2: '' },
    });
    expect(res.status).toBe(201);
  });

  it('refuses a unit price that is not a positive integer: 0 and -0 included', async () => {
    for (const amountMinor of ['0', '-0', '1.5', '-1']) {
      const body = JSON.stringify(order).replace(
        '"amountMinor":1250',
        `"amountMinor":${amountMinor}`,
      );
      const res = await post(body);
      expect({ amountMinor, status: res.status }).toEqual({ amountMinor, status: 400 });
      expect(await fields(res)).toEqual(['/items/0/unitPrice/amountMinor']);
    }
  });

  it('refuses unknown fields inside items and the address, __proto__ included', async () => {
    const body = JSON.stringify(order)
      .replace('"quantity":2', '"quantity":2,"__proto__":{"admin":true},"colour":"red"')
      .replace('"country":"PT"', '"country":"PT","floor":3');
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await fields(res)).toEqual([
      '/items/0/__proto__',
      '/items/0/colour',
      '/shippingAddress/floor',
    ]);
  });

  it('answers a repeated SKU and mixed currencies with 422, naming the line', async () => {
    const repeated = await post({ ...order, items: [order.items[0], order.items[0]] });
    expect(repeated.status).toBe(422);
    expect(await fields(repeated)).toEqual(['/items/1/sku']);
    const mixed = await post({
      ...order,
      items: [
        order.items[0],
        { sku: 'SKU-2', quantity: 1, unitPrice: { amountMinor: 5, currency: 'USD' } },
      ],
    });
    expect(mixed.status).toBe(422);
    expect(await fields(mixed)).toEqual(['/items/1/unitPrice/currency']);
  });

  it('refuses an Idempotency-Key outside printable ASCII without spaces, naming the header', async () => {
    const res = await post(order, { 'Idempotency-Key': 'two words' });
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({
      detail: 'Idempotency-Key header is invalid',
      errors: [{ field: 'Idempotency-Key' }],
    });
  });

  it('refuses an order id that is not a UUID, a cursor that no page gave and a malformed customer id, naming them', async () => {
    const id = await fetch(`${service.baseUrl}/orders/not-a-uuid`, {
      headers: { authorization: service.authorization },
    });
    expect(id.status).toBe(400);
    expect(await fields(id)).toEqual(['/orderId']);
    const cancel = await fetch(`${service.baseUrl}/orders/42/cancel`, {
      method: 'POST',
      headers: { authorization: service.authorization },
    });
    expect(cancel.status).toBe(400);
    const cursor = await fetch(`${service.baseUrl}/orders?cursor=garbage`, {
      headers: { authorization: service.authorization },
    });
    expect(cursor.status).toBe(400);
    expect(await fields(cursor)).toEqual(['/cursor']);
    const customer = await fetch(`${service.baseUrl}/orders?customerId=c%20ada%3B`, {
      headers: { authorization: service.authorization },
    });
    expect(customer.status).toBe(400);
    expect(await fields(customer)).toEqual(['/customerId']);
    const page = await fetch(`${service.baseUrl}/orders?cursor=1_${randomUUID()}`, {
      headers: { authorization: service.authorization },
    });
    expect(page.status).toBe(200);
  });

  it('answers a method a path does not declare with 405 and Allow', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/orders', 'GET, HEAD, POST, OPTIONS'],
      ['PUT', `/orders/${randomUUID()}`, 'GET, HEAD, OPTIONS'],
      ['GET', `/orders/${randomUUID()}/cancel`, 'POST, OPTIONS'],
      ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${service.baseUrl}${path}`, {
        method,
        headers: { authorization: service.authorization },
      });
      expect({ method, path, status: res.status, allow: res.headers.get('allow') }).toEqual({
        method,
        path,
        status: 405,
        allow,
      });
      expect((await problemOf(res)).status).toBe(405);
    }
  });

  it('publishes an OpenAPI 3.1 document whose refs all resolve and that states these rules', async () => {
    const document = (await (await fetch(`${service.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, object> }> };
    };
    expect(unresolvedRefs(document)).toEqual([]);
    expect(JSON.stringify(document)).not.toContain('$defs');
    expect(Object.keys(document.paths['/orders/{orderId}']!['get']!.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '431',
    ]);
    expect(Object.keys(document.paths['/orders']!['post']!.responses).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '403',
      '413',
      '415',
      '422',
      '429',
      '431',
      '503',
    ]);
    const schemas = document.components.schemas;
    expect(schemas['Money']?.properties?.['amountMinor']).toMatchObject({ minimum: 1 });
    const recipient = schemas['Address']?.properties?.['recipient'] as Record<string, unknown>;
    expect(recipient['maxLength']).toBe(200);
    expect(typeof recipient['pattern']).toBe('string');
    expect(recipient['description']).toContain('\\u0000');
    expect(schemas['OrderLine']).toMatchObject({ additionalProperties: false });
    expect(JSON.stringify(schemas['PlaceOrderRequest'])).toContain('Each SKU at most once');
  });

  it('answers GET /asyncapi.json with the generated contract of every service', async () => {
    const res = await fetch(`${service.baseUrl}/asyncapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
      operations: Record<string, { action: string }>;
    };
    expect(body).toEqual(JSON.parse(await readFile(generatedAsyncApi, 'utf8')));
    expect(body.asyncapi).toBe('3.0.0');
    expect(Object.values(body.channels).map((c) => c.address)).toContain('orders.events.dlq');
    expect(body.operations['paymentsConsumesOrders']?.action).toBe('receive');
  });
});
