/**
 * The orders API as the CLI calls it. Every failure becomes a CliError whose message
 * is one line a person can act on: the API is unreachable, the order does not exist,
 * or the problem+json detail (with the fields at fault) the API answered with.
 */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface Order {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  total: Money;
  items: { sku: string; quantity: number; unitPrice: Money }[];
  cancellation: { reason: string; detail: string | null } | null;
  paymentId: string | null;
  shipmentId: string | null;
  placedAt: string;
  updatedAt: string;
  version: number;
}

export interface SagaStep {
  type: string;
  source: string;
  occurredAt: string;
  /** The event's data for the orders service's own events; null for the others'. */
  data: Record<string, unknown> | null;
}

export type OrderWithHistory = Order & { history: SagaStep[] };

export interface PlaceOrderRequest {
  customerId: string;
  items: { sku: string; quantity: number; unitPrice: Money }[];
  shippingAddress: {
    recipient: string;
    line1: string;
    city: string;
    postalCode: string;
    country: string;
  };
}

/** Exit codes: 1 the request failed, 2 the command line is wrong. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Supplies `Authorization: Bearer <token>` when the services require one. */
export type TokenProvider = () => Promise<string | undefined> | string | undefined;

export interface OrdersApiOptions {
  baseUrl: string;
  token?: TokenProvider | undefined;
}

export class OrdersApi {
  constructor(private readonly options: OrdersApiOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The order as placed, and the trace id of its saga (from the traceresponse header). */
  async place(
    body: PlaceOrderRequest,
    idempotencyKey?: string,
  ): Promise<{ order: Order; traceId: string | undefined }> {
    const res = await this.request('POST', '/orders', {
      body,
      headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
    });
    return { order: (await res.json()) as Order, traceId: traceIdOf(res) };
  }

  async get(orderId: string): Promise<OrderWithHistory> {
    return (await (await this.request('GET', `/orders/${orderId}`)).json()) as OrderWithHistory;
  }

  async list(
    query: {
      status?: OrderStatus | undefined;
      customerId?: string | undefined;
      limit?: number;
      cursor?: string | undefined;
    } = {},
  ): Promise<{ items: Order[]; nextCursor: string | null }> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.customerId) params.set('customerId', query.customerId);
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    const res = await this.request('GET', `/orders?${params.toString()}`);
    return (await res.json()) as { items: Order[]; nextCursor: string | null };
  }

  async cancel(orderId: string): Promise<Order> {
    return (await (await this.request('POST', `/orders/${orderId}/cancel`)).json()) as Order;
  }

  private async request(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const token = await this.options.token?.();
    const url = `${this.options.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (error) {
      throw new CliError(`orders API at ${this.options.baseUrl} is unreachable (${why(error)})`);
    }
    if (!res.ok) throw new CliError(`${method} ${path}: ${await describeFailure(res)}`);
    return res;
  }
}

/** W3C traceresponse: 00-<trace id>-<span id>-<flags>. */
export function traceIdOf(res: Response): string | undefined {
  return res.headers.get('traceresponse')?.split('-')[1];
}

/** One line from a failed response: status, problem detail and the fields at fault. */
export async function describeFailure(res: Response): Promise<string> {
  const text = await res.text();
  let problem: { title?: string; detail?: string; errors?: { field: string; message: string }[] };
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    return `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
  }
  const fields = (problem.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
  const detail = problem.detail ?? problem.title ?? res.statusText;
  return `${res.status} ${detail}${fields ? ` (${fields})` : ''}`;
}

/** The reason a fetch failed, from undici's cause (ECONNREFUSED, ENOTFOUND …). */
export function why(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
