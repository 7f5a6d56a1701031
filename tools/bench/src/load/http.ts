import http from 'node:http';

/** What the orders API answered to one POST /orders. */
export interface PostResult {
  status: number;
  orderId: string | undefined;
  retryAfter: string | undefined;
  error: string | undefined;
}

/** Below the services' keep-alive timeout (Node's default, 5 s). */
const idleSocketMs = 4_000;

/**
 * POST /orders over kept-alive connections. At most `maxSockets` requests are on the
 * wire; the rest wait in the agent's queue, and since the load generator measures from
 * each request's scheduled time, that wait counts as latency (as it would for a client).
 */
export class OrdersClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    ordersUrl: string,
    /** The Authorization header (`Bearer <token>`) of every request. */
    private readonly authorization: string,
    maxSockets = 64,
    private readonly timeoutMs = 30_000,
  ) {
    this.target = new URL('/orders', ordersUrl);
    if (this.target.hostname !== '127.0.0.1' && this.target.hostname !== 'localhost') {
      throw new Error(`the bench only sends traffic to 127.0.0.1, not ${this.target.hostname}`);
    }
    // An idle socket is dropped before the server's keep-alive timeout (Node's default,
    // 5 s) closes it, or a request sent just as the server closes it fails (ECONNRESET).
    // Node's agent shortens its idle timeout to the server's Keep-Alive hint only when it
    // has one of its own to shorten: without `timeout` it keeps idle sockets for ever.
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      timeout: idleSocketMs,
    });
  }

  post(body: string): Promise<PostResult> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.agent,
          method: 'POST',
          hostname: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: this.authorization,
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          // Drain the body so the connection goes back to the pool.
          res.resume();
          res.on('end', () => {
            const location = res.headers.location;
            resolve({
              status: res.statusCode ?? 0,
              orderId: location?.split('/').pop(),
              retryAfter: headerValue(res.headers['retry-after']),
              error: undefined,
            });
          });
          res.on('error', (error) => resolve(failed(error)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (error) => resolve(failed(error)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function failed(error: Error): PostResult {
  return { status: 0, orderId: undefined, retryAfter: undefined, error: error.message };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wall clock in epoch milliseconds: the same clock Postgres stamps `recorded_at`
 * and Kafka stamps records with on this machine (a monotonic clock would drift from it).
 */
export function nowMs(): number {
  return Date.now();
}
