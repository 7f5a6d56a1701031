import { CliError, describeFailure, why } from './orders-api.js';
import type { JaegerTrace } from './span-tree.js';

/**
 * Jaeger's query API (HTTP JSON, the one its UI uses). An order's saga is one trace:
 * every span that publishes or consumes one of its events carries `order.id`.
 */
export class JaegerQuery {
  constructor(readonly baseUrl: string) {}

  async trace(traceId: string): Promise<JaegerTrace | undefined> {
    const res = await this.fetch(`/api/traces/${traceId}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new CliError(`Jaeger: ${await describeFailure(res)}`);
    return ((await res.json()) as { data: JaegerTrace[] }).data[0];
  }

  /** The trace with the most spans among those that carry order.id = orderId. */
  async traceOfOrder(orderId: string, placedAt: string): Promise<JaegerTrace | undefined> {
    const params = new URLSearchParams({
      service: 'orders',
      tags: JSON.stringify({ 'order.id': orderId }),
      // Jaeger takes microseconds; a minute of slack for clocks and batching.
      start: String((Date.parse(placedAt) - 60_000) * 1_000),
      end: String((Date.now() + 60_000) * 1_000),
      limit: '20',
    });
    const res = await this.fetch(`/api/traces?${params.toString()}`);
    if (!res.ok) throw new CliError(`Jaeger: ${await describeFailure(res)}`);
    const { data } = (await res.json()) as { data: JaegerTrace[] | null };
    return (data ?? []).sort((a, b) => b.spans.length - a.spans.length)[0];
  }

  private async fetch(path: string): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, { headers: { accept: 'application/json' } });
    } catch (error) {
      throw new CliError(`Jaeger at ${this.baseUrl} is unreachable (${why(error)})`);
    }
  }
}
