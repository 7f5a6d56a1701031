#!/usr/bin/env node
/**
 * npm run orders -- place|get|list|cancel|watch|trace …
 *
 * The orders API and Jaeger from a terminal: human output by default, --json for
 * scripts. Exit code 0 on success, 1 when a request failed (the reason on stderr, one
 * line), 2 when the command line is wrong.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { OrderStatus, PlaceOrderRequest } from './orders-api.js';
import { CliError, OrdersApi } from './orders-api.js';
import { JaegerQuery } from './jaeger.js';
import { formatOrder, formatOrderRow, formatStatus, orderRowHeader } from './format.js';
import { countSpans, renderSpanTree, spanTree } from './span-tree.js';
import { watchAll, watchOrder } from './watch.js';

const usage = `usage: npm run orders -- <command> [options]

commands:
  place [--customer ID] [--item SKU[:QTY[:UNIT_PRICE_MINOR]]]… [--currency EUR]
                         place an order (default: c-ada, 1 × SKU-BOOK at 12.50)
  get <orderId>          the order and its saga history
  list [--status S] [--customer ID] [--limit N]
                         recent orders, newest first (S: PENDING, CONFIRMED, CANCELLED)
  cancel <orderId>       cancel a pending order
  watch [<orderId>]      follow one order until its saga is done, or every new order
                         until interrupted (--timeout SECONDS to stop earlier)
  trace <orderId>        the order's trace from Jaeger as a span tree (SQL folded)

options:
  --json                 machine-readable output (watch: one JSON object per line)
  --orders-url URL       orders API (ORDERS_URL, default http://127.0.0.1:18101)
  --jaeger-url URL       Jaeger query API (JAEGER_URL, default http://127.0.0.1:16686)

ORDERS_TOKEN is sent as the bearer token; without it, an API on this machine gets a
short-lived token of the local stack's dev issuer.

demo customers: c-ada, c-grace, c-bob, c-linus (USD)
demo SKUs: SKU-BOOK, SKU-MUG, SKU-TEAPOT, SKU-RARE (1 left), SKU-GONE (none)`;

const statuses: readonly OrderStatus[] = ['PENDING', 'CONFIRMED', 'CANCELLED'];

async function main(argv: string[]): Promise<number> {
  const { values: opts, positionals } = parse(argv);
  const [command, id, ...extra] = positionals;
  if (opts.help || command === undefined) {
    (opts.help ? console.log : console.error)(usage);
    return opts.help ? 0 : 2;
  }
  if (extra.length > 0) throw new CliError(`unexpected argument '${extra[0]}'`, 2);
  const baseUrl = opts['orders-url'] ?? process.env['ORDERS_URL'] ?? 'http://127.0.0.1:18101';
  const api = new OrdersApi({ baseUrl, token: () => bearerToken(baseUrl) });
  const print = (json: unknown, lines: () => string[]) =>
    console.log(opts.json ? JSON.stringify(json, null, 2) : lines().join('\n'));

  switch (command) {
    case 'place': {
      const { order, traceId } = await api.place(placeRequest(opts));
      print({ ...order, traceId: traceId ?? null }, () => [
        `placed order ${order.orderId}: ${formatStatus(order)}, ${order.items.length} line(s)`,
        `follow it:  npm run orders -- watch ${order.orderId}`,
      ]);
      return 0;
    }
    case 'get': {
      const order = await api.get(orderId(id));
      print(order, () => formatOrder(order));
      return 0;
    }
    case 'list': {
      const status = opts.status?.toUpperCase() as OrderStatus | undefined;
      if (status && !statuses.includes(status))
        throw new CliError(`--status must be one of ${statuses.join(', ')}`, 2);
      const limit = positiveInt(opts.limit ?? '20', '--limit');
      const items = await listOrders(api, { status, customerId: opts.customer, limit });
      print(items, () =>
        items.length ? [orderRowHeader, ...items.map(formatOrderRow)] : ['no orders'],
      );
      return 0;
    }
    case 'cancel': {
      const order = await api.cancel(orderId(id));
      print(order, () => [`order ${order.orderId}: ${formatStatus(order)}`]);
      return 0;
    }
    case 'watch': {
      const timeoutMs = opts.timeout ? positiveInt(opts.timeout, '--timeout') * 1_000 : undefined;
      const out = (json: unknown, line: string) =>
        console.log(opts.json ? JSON.stringify(json) : line);
      if (id) return watchOrder(api, orderId(id), { timeoutMs, out });
      return watchAll(api, { timeoutMs, out });
    }
    case 'trace': {
      const order = await api.get(orderId(id));
      const jaeger = new JaegerQuery(
        opts['jaeger-url'] ?? process.env['JAEGER_URL'] ?? 'http://127.0.0.1:16686',
      );
      const trace = await jaeger.traceOfOrder(order.orderId, order.placedAt);
      if (!trace)
        throw new CliError(`no trace of order ${order.orderId} in Jaeger at ${jaeger.baseUrl}`);
      const roots = spanTree(trace);
      const { spans, sql, services } = countSpans(roots);
      print({ traceId: trace.traceID, spans: roots }, () => [
        `trace ${trace.traceID}: ${spans} spans (+${sql} SQL) across ${services.join(', ')}`,
        ...renderSpanTree(roots),
      ]);
      return 0;
    }
    default:
      throw new CliError(`unknown command '${command}'\n\n${usage}`, 2);
  }
}

/**
 * ORDERS_TOKEN if set; else, for an API on this machine, a short-lived token of the
 * local stack's dev issuer (what `npm run token` prints), when the stack has one.
 */
async function bearerToken(baseUrl: string): Promise<string | undefined> {
  const given = process.env['ORDERS_TOKEN'];
  if (given) return given;
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(baseUrl)) return undefined;
  const { allScopes, devIssuer, devKeyPaths, loadStackConfig } = await import('@orderflow/stack');
  const config = loadStackConfig();
  if (!existsSync(devKeyPaths(config).privateKey)) return undefined;
  const issuer = await devIssuer(config);
  return issuer.mint({ scopes: allScopes, subject: 'orders-cli', ttlSeconds: 300 });
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'orders-url': { type: 'string' },
        'jaeger-url': { type: 'string' },
        customer: { type: 'string' },
        item: { type: 'string', multiple: true },
        currency: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`, 2);
  }
}

type Options = ReturnType<typeof parse>['values'];

function orderId(id: string | undefined): string {
  if (!id) throw new CliError('which order? give its id', 2);
  return id;
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive integer`, 2);
  return n;
}

/** `SKU[:QTY[:UNIT_PRICE_MINOR]]` per --item; the API validates the rest. */
function placeRequest(opts: Pick<Options, 'customer' | 'item' | 'currency'>) {
  const currency = opts.currency ?? 'EUR';
  const items = (opts.item?.length ? opts.item : ['SKU-BOOK']).map((spec) => {
    const [sku = '', quantity = '1', price = '1250'] = spec.split(':');
    return {
      sku,
      quantity: positiveInt(quantity, `the quantity in --item ${spec}`),
      unitPrice: { amountMinor: positiveInt(price, `the price in --item ${spec}`), currency },
    };
  });
  const customerId = opts.customer ?? 'c-ada';
  return {
    customerId,
    items,
    shippingAddress: {
      recipient: customerId,
      line1: '1 Demo Street',
      city: 'Lisbon',
      postalCode: '1000-001',
      country: 'PT',
    },
  } satisfies PlaceOrderRequest;
}

/**
 * Newest first, filtered by the API (status and customer), page after page until
 * `limit` orders are found or the orders run out.
 */
async function listOrders(
  api: OrdersApi,
  query: { status: OrderStatus | undefined; customerId: string | undefined; limit: number },
) {
  const found = [];
  let cursor: string | undefined;
  do {
    const page = await api.list({
      status: query.status,
      customerId: query.customerId,
      limit: Math.min(100, query.limit - found.length),
      cursor,
    });
    found.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && found.length < query.limit);
  return found;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`orders: ${error.message}`);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  },
);
