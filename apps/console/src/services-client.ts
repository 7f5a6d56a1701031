import { spanTree } from '@orderflow/orders-cli/span-tree';
import type { JaegerTrace, SpanNode } from '@orderflow/orders-cli/span-tree';
import type {
  Money,
  Order,
  OrderStatus,
  OrderWithHistory,
  SagaStep,
  TokenProvider,
} from '@orderflow/orders-cli/orders-api';

export type { Money, Order, OrderStatus, OrderWithHistory, SagaStep, TokenProvider };

export interface Mail {
  id: string;
  subject: string;
  to: string[];
  created: string;
  text: string | undefined;
}

/** A failed call, with the status and problem+json detail to pass on. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The services besides orders whose read APIs say what became of an order there. */
export const otherServices = ['payments', 'shipping', 'notifications'] as const;
export type OtherService = (typeof otherServices)[number];

/** Where each service's read API keeps an order's state. */
const readPaths: Record<OtherService, (orderId: string) => string> = {
  payments: (id) => `/payments/${encodeURIComponent(id)}`,
  shipping: (id) => `/shipments/${encodeURIComponent(id)}`,
  notifications: (id) => `/notifications?orderId=${encodeURIComponent(id)}`,
};

/** A service's answer about an order, as it gave it (a 404 or 403 included). */
export interface ServiceView {
  service: OtherService;
  request: string;
  status: number;
  body: unknown;
}

export interface ServicesClientOptions {
  ordersUrl: string;
  serviceUrls: Readonly<Record<OtherService, string>>;
  jaegerQueryUrl: string;
  mailApiUrl: string | undefined;
  token?: TokenProvider | undefined;
}

/**
 * Every HTTP call the console makes: to the orders API, Jaeger's query API and the
 * mail sink. The services are reached with `Authorization: Bearer <token>` when the
 * token provider gives one.
 */
export class ServicesClient {
  constructor(private readonly options: ServicesClientOptions) {}

  /** The newest orders, filtered by the orders API. */
  listOrders(filter: {
    status?: OrderStatus | undefined;
    customerId?: string | undefined;
    limit?: number;
  }): Promise<{ items: Order[] }> {
    const { status, customerId, limit = 50 } = filter;
    const query = new URLSearchParams({
      limit: String(limit),
      ...(status ? { status } : {}),
      ...(customerId ? { customerId } : {}),
    });
    return this.orders<{ items: Order[] }>('GET', `/orders?${query.toString()}`);
  }

  getOrder(orderId: string): Promise<OrderWithHistory> {
    return this.orders('GET', `/orders/${encodeURIComponent(orderId)}`);
  }

  placeOrder(body: unknown): Promise<Order> {
    return this.orders('POST', '/orders', body);
  }

  cancelOrder(orderId: string): Promise<Order> {
    return this.orders('POST', `/orders/${encodeURIComponent(orderId)}/cancel`);
  }

  /** What `service`'s read API says about the order, whatever its status. */
  async viewOf(service: OtherService, orderId: string): Promise<ServiceView> {
    const path = readPaths[service](orderId);
    const token = await this.options.token?.();
    const url = `${this.options.serviceUrls[service]}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: {
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      throw new UpstreamError(502, `${service} API is unreachable (${cause})`);
    }
    const text = await res.text();
    let body: unknown = text.slice(0, 2_000);
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the start of the text as it is
    }
    return { service, request: `GET ${path}`, status: res.status, body };
  }

  /** The order's trace (the one with the most spans tagged with its id), as a span tree. */
  async traceOf(
    order: Pick<Order, 'orderId' | 'placedAt'>,
  ): Promise<{ traceId: string; roots: SpanNode[] } | undefined> {
    const params = new URLSearchParams({
      service: 'orders',
      tags: JSON.stringify({ 'order.id': order.orderId }),
      start: String((Date.parse(order.placedAt) - 60_000) * 1_000),
      end: String((Date.now() + 60_000) * 1_000),
      limit: '20',
    });
    const { data } = await this.json<{ data: JaegerTrace[] | null }>(
      'Jaeger',
      `${this.options.jaegerQueryUrl}/api/traces?${params.toString()}`,
    );
    const trace = (data ?? []).sort((a, b) => b.spans.length - a.spans.length)[0];
    return trace && { traceId: trace.traceID, roots: spanTree(trace) };
  }

  /** The e-mails about the order: their message ids start with the order id. */
  async mailsOf(orderId: string): Promise<Mail[] | undefined> {
    const base = this.options.mailApiUrl;
    if (!base) return undefined;
    const { messages } = await this.json<{
      messages: {
        ID: string;
        MessageID: string;
        Subject: string;
        Created: string;
        To: { Address: string }[];
        Text?: string;
        Snippet?: string;
      }[];
    }>('mail', `${base}/api/v1/messages`);
    return messages
      .filter((m) => m.MessageID.startsWith(orderId))
      .map((m) => ({
        id: m.ID,
        subject: m.Subject,
        to: m.To.map((t) => t.Address),
        created: m.Created,
        text: m.Text ?? m.Snippet,
      }));
  }

  private async orders<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.options.token?.();
    return this.json<T>('orders API', `${this.options.ordersUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private async json<T>(what: string, url: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      throw new UpstreamError(502, `${what} is unreachable (${cause})`);
    }
    if (!res.ok) {
      const text = await res.text();
      let detail = text.slice(0, 300);
      try {
        const problem = JSON.parse(text) as {
          detail?: string;
          errors?: { field: string; message: string }[];
        };
        const fields = (problem.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
        detail = `${problem.detail ?? res.statusText}${fields ? ` (${fields})` : ''}`;
      } catch {
        // not problem+json: the text as it is
      }
      throw new UpstreamError(res.status, `${what}: ${res.status} ${detail}`);
    }
    return (await res.json()) as T;
  }
}
