import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from 'express';
import { Registry } from 'prom-client';
import { createHttpApp } from './http.js';
import { createLogger } from './logger.js';
import { HttpProblem } from './problem.js';

describe('the HTTP shell', () => {
  let server: Server;
  let base: string;
  let dbUp = true;

  beforeAll(async () => {
    const routes = Router();
    routes.post('/echo', (req, res) => {
      res.json(req.body);
    });
    routes.get('/conflict', () => {
      throw HttpProblem.conflict('version 3 expected, found 4');
    });
    routes.get('/boom', () => {
      throw new Error('secret internals');
    });
    const metrics = new Registry();
    metrics.setDefaultLabels({ service: 'test' });
    const app = createHttpApp({
      logger: createLogger({ service: 'test', level: 'fatal' }),
      metrics,
      readiness: {
        database: () => Promise.resolve(dbUp),
        kafka: () => Promise.reject(new Error('not joined')),
      },
      routes,
      bodyLimit: '1kb',
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
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
