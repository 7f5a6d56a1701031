import type { Response } from 'express';
import type { Order, ServicesClient } from './services-client.js';

/**
 * The recent orders (of one customer, when given), pushed to every open page as
 * server-sent events. The orders API has no push of its own, so one poll serves every
 * subscriber, and only while there is one; a page gets the list at once and again
 * whenever an order changes.
 */
export class OrdersFeed {
  private readonly subscribers = new Set<Response>();
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private latest: Order[] | undefined;

  constructor(
    private readonly client: ServicesClient,
    private readonly customerId: string | undefined = undefined,
    /** Called when the last subscriber has gone. */
    private readonly onIdle: () => void = () => undefined,
    private readonly pollMs = 500,
  ) {}

  subscribe(res: Response): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.subscribers.add(res);
    if (this.latest) this.send(res, 'orders', this.latest);
    res.on('close', () => {
      this.subscribers.delete(res);
      if (this.subscribers.size === 0) {
        this.stop();
        this.onIdle();
      }
    });
    if (!this.timer) void this.poll();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.last = '';
  }

  close(): void {
    this.stop();
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private async poll(): Promise<void> {
    try {
      const { items } = await this.client.listOrders({ customerId: this.customerId, limit: 50 });
      const signature = items.map((o) => `${o.orderId}:${o.version}:${o.status}`).join(',');
      this.latest = items;
      if (signature !== this.last) {
        this.last = signature;
        for (const res of this.subscribers) this.send(res, 'orders', items);
      }
    } catch (error) {
      this.last = ''; // send the list again once the API answers
      for (const res of this.subscribers)
        this.send(res, 'problem', {
          detail: error instanceof Error ? error.message : String(error),
        });
    }
    if (this.subscribers.size > 0) this.timer = setTimeout(() => void this.poll(), this.pollMs);
    else this.timer = undefined;
  }

  private send(res: Response, event: string, data: unknown): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
