import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { stack, uniqueName } from '@orderflow/testing';
import { EventSerde, eventTypes, RegistryUnavailableError, type TopicMap } from './index.js';
import { samples } from './test-support/samples.js';

/**
 * What a service's start-up costs the registry once its schemas are registered: one
 * lookup per event type, all at once, and nothing more; encoding then needs none.
 * A counting proxy in front of the real registry sees every request.
 */
describe('EventSerde start-up against a registry that knows the schemas', () => {
  const seen: string[] = [];
  // Requests wait here until `batch` of them have arrived (or a second passed): a
  // client that sends one request at a time shows up as batches of one.
  let held: (() => void)[] = [];
  let batches: number[] = [];
  let proxy: Server;
  let proxyUrl: string;

  const release = () => {
    if (held.length === 0) return;
    batches.push(held.length);
    for (const forward of held.splice(0)) forward();
  };

  beforeAll(async () => {
    const target = new URL(stack.endpoints.registryUrl);
    proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url?.replace(target.pathname, '')}`);
      held.push(() => {
        const upstream = request(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      if (held.length >= eventTypes.length) release();
      else setTimeout(release, 1_000);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('looks every schema up at once, fetches none back, and encodes without the registry', async () => {
    const prefix = uniqueName('startup');
    const topics: TopicMap = {
      orders: `${prefix}.orders.events`,
      payments: `${prefix}.payments.events`,
      shipping: `${prefix}.shipping.events`,
      notifications: `${prefix}.notifications.events`,
    };
    const registryUrl = stack.endpoints.registryUrl;
    const ids = await new EventSerde({ registryUrl, topics }).registerAll();

    held = [];
    batches = [];
    const restarted = new EventSerde({ registryUrl: proxyUrl, topics });
    expect(await restarted.registerAll()).toEqual(ids);
    expect(seen.filter((r) => !r.startsWith('POST /subjects/'))).toEqual([]);
    expect(batches).toEqual([eventTypes.length]);

    seen.length = 0;
    for (const type of eventTypes) {
      const value = await restarted.encode(type, samples[type]);
      expect(await restarted.decode(value)).toEqual({ type, data: samples[type] });
    }
    expect(seen).toEqual([]);
  });
});

describe('EventSerde start-up against a registry that accepts connections and never answers', () => {
  const sockets: Socket[] = [];
  const silent = createTcpServer((socket) => void sockets.push(socket));
  beforeAll(() => new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve)));
  // Also when the test fails on its own timeout: an open socket would keep Jest running.
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails like a registry that is down once a request has waited its timeout', async () => {
    const { port } = silent.address() as AddressInfo;
    const serde = new EventSerde({
      registryUrl: `http://127.0.0.1:${port}/apis/ccompat/v7`,
      retries: 0,
      requestTimeoutMs: 300,
    });
    // Bounds only a regression (a request that waits for ever), far above the 300 ms.
    let guard: NodeJS.Timeout | undefined;
    const hung = new Promise<string>((resolve) => {
      guard = setTimeout(() => resolve('still waiting after 20 s'), 20_000);
    });
    const failure = await Promise.race([
      serde.registerAll().then(
        () => undefined,
        (error: unknown) => error,
      ),
      hung,
    ]).finally(() => clearTimeout(guard));
    expect(failure).toBeInstanceOf(RegistryUnavailableError);
    expect(String(failure)).toMatch(/timeout/i);
    expect(sockets.length).toBeGreaterThan(0);
  });
});
