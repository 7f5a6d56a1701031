import type { RunningService } from '@orderflow/platform/testing';
import { startServiceForTest } from '@orderflow/platform/testing';
import { testAuth, testToken, TokenIssuer } from '@orderflow/testing';
import { startOrders } from '../app.js';

interface Problem {
  status: number;
  title: string;
  detail?: string;
  retryAfterSeconds?: number;
}

/**
 * The API edge of orders over real HTTP: bearer tokens verified against the issuer's
 * JWKS, scopes, customer isolation and the write rate limit, on the service as it runs.
 */
describe('orders API authentication, authorization and rate limit', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startServiceForTest('orders', startOrders, {
      ADMISSION_CONTROL: false,
      ADMISSION_MIN_IN_FLIGHT: 100,
      ADMISSION_SAMPLE_MS: 250,
      SAGA_DEADLINE_MS: 600_000,
      SAGA_DEADLINE_SCAN_MS: 1_000,
      // Two writes at once per client, then one per 100 s: the third write is refused
      // however slowly this machine sends them.
      RATE_LIMIT_WRITE_PER_S: 0.01,
      RATE_LIMIT_WRITE_BURST: 2,
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  const orderFor = (customerId: string) => ({
    customerId,
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amountMinor: 990, currency: 'EUR' } }],
    shippingAddress: { recipient: 'A', line1: 'L', city: 'C', postalCode: 'P', country: 'PT' },
  });
  const call = (method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${service.baseUrl}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const problemOf = async (res: Response) => {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as Problem;
  };

  it('answers 401 with a Bearer challenge when the token is missing', async () => {
    const res = await call('POST', '/orders', undefined, orderFor('c-none'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="orderflow"');
    expect(await problemOf(res)).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect((await call('GET', '/orders')).status).toBe(401);
  });

  it('answers 401 invalid_token for an expired, foreign, misaddressed or forged token', async () => {
    const stranger = await TokenIssuer.generate(testAuth.issuer, testAuth.audience);
    const tokens = {
      expired: await testToken('all', 'c-x', { ttlSeconds: -3_600 }),
      'wrong issuer': await testToken('all', 'c-x', { issuer: 'https://someone-else.test/' }),
      'wrong audience': await testToken('all', 'c-x', { audience: 'another-api' }),
      'bad signature': await stranger.mint({ scopes: ['orders:read'], customerId: 'c-x' }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const res = await call('GET', '/orders', token);
      const challenge = res.headers.get('www-authenticate');
      expect({ name, status: res.status, challenge }).toEqual({
        name,
        status: 401,
        challenge: expect.stringMatching(
          /^Bearer realm="orderflow", error="invalid_token", /,
        ) as unknown,
      });
      expect((await problemOf(res)).status).toBe(401);
    }
  });

  it('answers 403 insufficient_scope when the token may not do this', async () => {
    const reader = await testToken(['orders:read'], 'c-reader');
    const res = await call('POST', '/orders', reader, orderFor('c-reader'));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="orderflow", error="insufficient_scope", scope="orders:write"',
    );
    expect(await problemOf(res)).toMatchObject({ status: 403, requiredScopes: ['orders:write'] });
    const writer = await testToken(['orders:write'], 'c-writer');
    expect((await call('GET', '/orders', writer)).status).toBe(403);
  });

  it('shows a customer its own orders only, and another customer none of them', async () => {
    const ada = await testToken(['orders:read', 'orders:write'], 'c-ada');
    const bob = await testToken(['orders:read', 'orders:write'], 'c-bob');
    const admin = await testToken('all', undefined, { subject: 'back-office' });

    const placed = await call('POST', '/orders', ada, orderFor('c-ada'));
    expect(placed.status).toBe(201);
    const { orderId } = (await placed.json()) as { orderId: string };
    const forBob = await call('POST', '/orders', ada, orderFor('c-bob'));
    expect(forBob.status).toBe(403);

    expect((await call('GET', `/orders/${orderId}`, ada)).status).toBe(200);
    expect((await call('GET', `/orders/${orderId}`, admin)).status).toBe(200);
    // Not "forbidden": to bob, ada's order does not exist.
    const peek = await call('GET', `/orders/${orderId}`, bob);
    expect(peek.status).toBe(404);
    expect(await problemOf(peek)).toMatchObject({ status: 404 });
    expect((await call('POST', `/orders/${orderId}/cancel`, bob)).status).toBe(404);

    const list = async (token: string) =>
      (
        (await (await call('GET', '/orders?limit=100', token)).json()) as {
          items: { orderId: string; customerId: string }[];
        }
      ).items;
    expect((await list(ada)).map((o) => o.orderId)).toEqual([orderId]);
    expect(await list(bob)).toEqual([]);
    expect((await list(admin)).map((o) => o.orderId)).toContain(orderId);
  });

  it('filters the list by customer on the server, and a customer token by its own customer only', async () => {
    const grace = await testToken(['orders:read', 'orders:write'], 'c-grace');
    const linus = await testToken(['orders:read', 'orders:write'], 'c-linus');
    const admin = await testToken('all', undefined, { subject: 'back-office' });
    const placedBy = async (token: string, customerId: string) => {
      const res = await call('POST', '/orders', token, orderFor(customerId));
      expect(res.status).toBe(201);
      return ((await res.json()) as { orderId: string }).orderId;
    };
    const graces = await placedBy(grace, 'c-grace');
    const linuses = await placedBy(linus, 'c-linus');
    const listed = async (token: string, customerId: string) => {
      const res = await call('GET', `/orders?limit=100&customerId=${customerId}`, token);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { orderId: string; customerId: string }[] }).items;
    };

    const forAdmin = await listed(admin, 'c-grace');
    expect(forAdmin.map((o) => o.orderId)).toEqual([graces]);
    expect((await listed(admin, 'c-linus')).map((o) => o.orderId)).toEqual([linuses]);
    expect(await listed(admin, 'c-nobody')).toEqual([]);
    expect((await listed(grace, 'c-grace')).map((o) => o.orderId)).toEqual([graces]);
    // A customer token naming someone else is refused, not answered with their orders.
    const peek = await call('GET', '/orders?customerId=c-linus', grace);
    expect(peek.status).toBe(403);
    expect(await problemOf(peek)).toMatchObject({ status: 403 });
    expect(JSON.stringify(await (await call('GET', '/orders', grace)).json())).not.toContain(
      linuses,
    );
  });

  it('keeps liveness, readiness, metrics and the documents open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/asyncapi.json']) {
      expect({ path, status: (await call('GET', path)).status }).toEqual({ path, status: 200 });
    }
    const document = (await (await call('GET', '/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, object> };
      paths: Record<string, Record<string, { security?: object[] }>>;
    };
    expect(document.components.securitySchemes['bearerAuth']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.paths['/orders']?.['post']?.security).toEqual([
      { bearerAuth: ['orders:write'] },
    ]);
    expect(document.paths['/healthz']?.['get']?.security).toBeUndefined();
  });

  it('answers 429 with Retry-After once a client exceeds its write rate, and only that client', async () => {
    const eager = await testToken(['orders:write'], 'c-eager');
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await call('POST', '/orders', eager, orderFor('c-eager'))).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
    const refused = await call('POST', '/orders', eager, orderFor('c-eager'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await problemOf(refused)).toMatchObject({ status: 429, title: 'Too Many Requests' });
    const calm = await testToken(['orders:write'], 'c-calm');
    expect((await call('POST', '/orders', calm, orderFor('c-calm'))).status).toBe(201);
  });
});
