import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { DeadLetters } from './dead-letters.js';
import { OrdersFeed } from './orders-feed.js';
import type { ServicesClient } from './services-client.js';
import { UpstreamError } from './services-client.js';

export interface ConsoleDeps {
  client: ServicesClient;
  deadLetters: DeadLetters;
  jaegerUiUrl: string | undefined;
  redrive: boolean;
}

/** The demo data the stack seeds (payments' accounts, shipping's stock) for the form. */
export const demo = {
  customers: [
    { id: 'c-ada', label: 'c-ada (10,000.00 EUR)', currency: 'EUR' },
    { id: 'c-grace', label: 'c-grace (10,000.00 EUR)', currency: 'EUR' },
    { id: 'c-bob', label: 'c-bob (10.00 EUR: payment declined)', currency: 'EUR' },
    { id: 'c-linus', label: 'c-linus (USD)', currency: 'USD' },
  ],
  skus: [
    { sku: 'SKU-BOOK', label: 'SKU-BOOK', unitPriceMinor: 1250 },
    { sku: 'SKU-MUG', label: 'SKU-MUG', unitPriceMinor: 1500 },
    { sku: 'SKU-TEAPOT', label: 'SKU-TEAPOT', unitPriceMinor: 3500 },
    { sku: 'SKU-RARE', label: 'SKU-RARE (1 left)', unitPriceMinor: 9900 },
    { sku: 'SKU-GONE', label: 'SKU-GONE (out of stock: refund)', unitPriceMinor: 2000 },
  ],
};

const uiDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui');
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The page (bundled once at start-up by esbuild) and the JSON it reads. */
export async function consoleApp(deps: ConsoleDeps) {
  const { client, deadLetters } = deps;
  const bundle = await build({
    entryPoints: [path.join(uiDir, 'app.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: true,
  });
  const script = bundle.outputFiles[0]!.text;
  const [html, css] = await Promise.all([
    readFile(path.join(uiDir, 'index.html'), 'utf8'),
    readFile(path.join(uiDir, 'style.css'), 'utf8'),
  ]);
  const feed = new OrdersFeed(client);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.use((_req, res, next) => {
    res.set({
      'content-security-policy':
        "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    next();
  });

  app.get('/', (_req, res) => void res.type('html').send(html));
  app.get('/app.js', (_req, res) => void res.type('js').send(script));
  app.get('/style.css', (_req, res) => void res.type('css').send(css));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));

  app.get('/api/config', (_req, res) => {
    res.json({ jaegerUiUrl: deps.jaegerUiUrl ?? null, redrive: deps.redrive, ...demo });
  });
  app.get('/api/orders/events', (_req, res) => feed.subscribe(res));
  app.post('/api/orders', async (req, res) => {
    res.status(201).json(await client.placeOrder(req.body));
  });
  app.get('/api/orders/:orderId', async (req, res) => {
    res.json(await client.getOrder(orderId(req)));
  });
  app.post('/api/orders/:orderId/cancel', async (req, res) => {
    res.json(await client.cancelOrder(orderId(req)));
  });
  app.get('/api/orders/:orderId/trace', async (req, res) => {
    const order = await client.getOrder(orderId(req));
    const trace = await client.traceOf(order);
    res.json({
      traceId: trace?.traceId ?? null,
      roots: trace?.roots ?? [],
      jaegerUiUrl: trace && deps.jaegerUiUrl ? `${deps.jaegerUiUrl}/trace/${trace.traceId}` : null,
    });
  });
  app.get('/api/orders/:orderId/mail', async (req, res) => {
    res.json({ mails: (await client.mailsOf(orderId(req))) ?? null });
  });
  app.get('/api/orders/:orderId/dead-letters', async (req, res) => {
    res.json({ deadLetters: await deadLetters.ofOrder(orderId(req)), redrive: deps.redrive });
  });
  app.post('/api/dead-letters/redrive', async (req, res) => {
    if (!deps.redrive)
      throw new UpstreamError(403, 'redrive is off (CONSOLE_REDRIVE=true turns it on)');
    const { topic, group } = (req.body ?? {}) as { topic?: unknown; group?: unknown };
    if (typeof topic !== 'string' || typeof group !== 'string')
      throw new UpstreamError(400, 'topic and group are required');
    res.json({ redriven: await deadLetters.redrive(topic, group) });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof UpstreamError ? error.status : 500;
    res
      .status(status >= 400 && status < 600 ? status : 502)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: status === 500 ? 'Internal Server Error' : 'Upstream problem',
        status,
        detail: error instanceof Error ? error.message : String(error),
      });
  });
  return { app, close: () => feed.close() };
}

function orderId(req: Request): string {
  const id = String(req.params['orderId']);
  if (!uuid.test(id))
    throw new UpstreamError(400, `orderId must be a UUID, not '${id.slice(0, 40)}'`);
  return id;
}
