import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { DeadLetters } from './dead-letters.js';
import { OrdersFeed } from './orders-feed.js';
import type { OtherService, ServicesClient } from './services-client.js';
import { otherServices, UpstreamError } from './services-client.js';
import type { UiAssets } from './ui-assets.js';

export interface ConsoleDeps {
  client: ServicesClient;
  deadLetters: DeadLetters;
  jaegerUiUrl: string | undefined;
  redrive: boolean;
  /** The page: bundled by the build, or from the sources at start-up (see ui-assets). */
  ui: UiAssets;
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

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The orders API's customer id rule, checked here so a bad filter is answered at once. */
const customerIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** A request the console refuses (400), naming the field at fault. */
class BadInput extends UpstreamError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(400, `${field.slice(1)} ${message}`);
  }
}

/** The page and the JSON it reads. */
export function consoleApp(deps: ConsoleDeps) {
  const { client, deadLetters } = deps;
  const { script, html, css } = deps.ui;
  // One feed per customer filter ('' for everyone's orders), while it has a subscriber.
  const feeds = new Map<string, OrdersFeed>();
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
  app.get('/api/orders/events', (req, res) => {
    const customerId = req.query['customerId'] ?? '';
    if (typeof customerId !== 'string' || (customerId && !customerIdPattern.test(customerId)))
      throw new BadInput('/customerId', 'must be letters, digits, _ and -, at most 64');
    let feed = feeds.get(customerId);
    if (!feed) {
      feed = new OrdersFeed(client, customerId || undefined, () => feeds.delete(customerId));
      feeds.set(customerId, feed);
    }
    feed.subscribe(res);
  });
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
  app.get('/api/orders/:orderId/services/:service', async (req, res) => {
    const service = String(req.params['service']);
    if (!(otherServices as readonly string[]).includes(service))
      throw new BadInput('/service', `must be one of ${otherServices.join(', ')}`);
    res.json(await client.viewOf(service as OtherService, orderId(req)));
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
    const body = (req.body ?? {}) as { topic?: unknown; group?: unknown; orderId?: unknown };
    for (const field of ['topic', 'group', 'orderId'] as const)
      if (typeof body[field] !== 'string') throw new BadInput(`/${field}`, 'is required');
    const { topic, group, orderId } = body as Record<'topic' | 'group' | 'orderId', string>;
    if (!uuid.test(orderId)) throw new BadInput('/orderId', 'must be a UUID');
    res.json({ redriven: await deadLetters.redrive(topic, group, orderId) });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof UpstreamError ? error.status : 500;
    res
      .status(status >= 400 && status < 600 ? status : 502)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title:
          error instanceof BadInput
            ? 'Bad Request'
            : status === 500
              ? 'Internal Server Error'
              : 'Upstream problem',
        status,
        detail: error instanceof Error ? error.message : String(error),
        ...(error instanceof BadInput
          ? { errors: [{ field: error.field, message: error.message }] }
          : {}),
      });
  });
  return {
    app,
    close: () => {
      for (const feed of feeds.values()) feed.close();
    },
  };
}

function orderId(req: Request): string {
  const id = String(req.params['orderId']);
  if (!uuid.test(id)) throw new BadInput('/orderId', `must be a UUID, not '${id.slice(0, 40)}'`);
  return id;
}
