import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { z } from 'zod';
import { HttpApi } from './http-api.js';
import { problem } from './openapi-operation.js';
import { createHttpApp, createMetricsApp } from './http.js';
import { serve } from './http-server.js';
import { createLogger } from './logger.js';
import { unresolvedRefs } from './openapi.js';
import { HttpProblem } from './problem.js';

const noInput = { operationId: 'op', summary: 'test', responses: { 200: { description: 'ok' } } };

describe('the HTTP shell', () => {
  let server: Server;
  let base: string;
  let dbUp = true;

  beforeAll(async () => {
    const api = new HttpApi({ title: 'test', version: '1', description: 'test' });
    api.post(
      '/echo',
      {
        ...noInput,
        operationId: 'echo',
        headers: z.object({
          'X-Tag': z
            .string()
            .regex(/^[a-z]+$/)
            .optional(),
        }),
        body: z.strictObject({
          a: z.number(),
          nested: z.strictObject({ b: z.string() }).optional(),
        }),
      },
      ({ body }, res) => {
        res.json(body);
      },
    );
    api.get(
      '/conflict',
      { ...noInput, operationId: 'conflict', responses: { 409: problem('no') } },
      () => {
        throw HttpProblem.conflict('version 3 expected, found 4');
      },
    );
    api.get('/boom', { ...noInput, operationId: 'boom' }, () => {
      throw new Error('secret internals');
    });
    api.get(
      '/things/{id}',
      { ...noInput, operationId: 'thing', params: z.object({ id: z.guid() }) },
      ({ params }, res) => {
        res.json(params);
      },
    );
    const metrics = new Registry();
    metrics.setDefaultLabels({ service: 'test' });
    const app = createHttpApp({
      logger: createLogger({ service: 'test', level: 'fatal' }),
      metrics,
      readiness: {
        database: () => Promise.resolve(dbUp),
        kafka: () => Promise.reject(new Error('not joined')),
      },
      api,
      bodyLimit: '1kb',
    });
    server = await serve(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections(); // fetch keeps connections alive
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers liveness', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports each readiness check and answers 503 when one fails', async () => {
    dbUp = false;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      checks: { database: false, kafka: false },
    });
  });

  it('renders thrown problems as problem+json', async () => {
    const res = await fetch(`${base}/conflict`);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'version 3 expected, found 4',
      instance: '/conflict',
    });
  });

  it('hides unexpected errors behind a generic 500', async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['detail']).toBe('an unexpected error occurred');
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });

  it('rejects malformed JSON with 400 and oversized bodies with 413', async () => {
    const post = (body: string) =>
      fetch(`${base}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const malformed = await post('{"a":');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toBe(
      'request body is not valid JSON',
    );
    const large = await post(JSON.stringify({ a: 'x'.repeat(2048) }));
    expect(large.status).toBe(413);
    const ok = await post('{"a":1}');
    expect(await ok.json()).toEqual({ a: 1 });
  });

  it('validates declared input: unknown fields at any depth, headers and path parameters are named', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const unknown = await post(JSON.parse('{"a":1,"nested":{"b":"x","__proto__":{"c":1}}}'));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errors: unknown[] }).errors).toEqual([
      { field: '/nested/__proto__', message: 'not an allowed field' },
    ]);
    const header = await post({ a: 1 }, { 'X-Tag': 'UPPER' });
    expect(header.status).toBe(400);
    expect(await header.json()).toMatchObject({
      detail: 'X-Tag header is invalid',
      errors: [{ field: 'X-Tag' }],
    });
    const path = await fetch(`${base}/things/not-a-uuid`);
    expect(path.status).toBe(400);
    expect(path.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await path.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('/id');
    const text = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'a=1',
    });
    expect(text.status).toBe(415);
  });

  it('answers a method the path does not declare with 405 and Allow, and OPTIONS with Allow', async () => {
    const res = await fetch(`${base}/echo`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    const put = await fetch(`${base}/things/${randomUUID()}`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const options = await fetch(`${base}/metrics`, { method: 'OPTIONS' });
    expect(options.status).toBeLessThan(300);
    expect(options.headers.get('allow')).toMatch(/GET/);
  });

  it('answers oversized request headers with a 431 problem', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
      });
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431 });
  });

  it('documents every route it serves, its own included, in an OpenAPI document whose refs resolve', async () => {
    const res = await fetch(`${base}/openapi.json`);
    const document = (await res.json()) as { paths: Record<string, object> };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/boom',
      '/conflict',
      '/echo',
      '/healthz',
      '/metrics',
      '/openapi.json',
      '/readyz',
      '/things/{id}',
    ]);
    expect(unresolvedRefs(document)).toEqual([]);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await fetch(`${base}/nowhere`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toBe('no route for GET /nowhere');
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe('metrics on a port of their own (METRICS_PORT)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves /metrics there and not on the API port', async () => {
    const metrics = new Registry();
    new Counter({ name: 'probe_total', help: 'a metric', registers: [metrics] }).inc();
    const api = new HttpApi({ title: 'test', version: '1', description: 'test' });
    const app = createHttpApp({
      logger: createLogger({ service: 'test', level: 'fatal' }),
      metrics,
      readiness: {},
      api,
      metricsElsewhere: true,
    });
    servers.push(
      await serve(app, 0, '127.0.0.1'),
      await serve(createMetricsApp(metrics), 0, '127.0.0.1'),
    );
    const [apiPort, metricsPort] = servers.map((s) => (s.address() as AddressInfo).port);
    expect((await fetch(`http://127.0.0.1:${apiPort}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^probe_total 1$/m);
  });
});
