import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { HttpApi } from './http-api.js';
import type { ReadinessCheck } from './http.js';

const readinessReport = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.boolean()).describe('Each probe and whether it answered'),
  })
  .meta({ id: 'Readiness' });

/** Liveness, readiness and metrics, documented with the service's operations. */
export function shellRoutes(
  api: HttpApi,
  {
    readiness,
    metrics,
    metricsElsewhere,
  }: { readiness: Record<string, ReadinessCheck>; metrics: Registry; metricsElsewhere?: boolean },
): void {
  api.get(
    '/healthz',
    {
      operationId: 'liveness',
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', body: z.object({ status: z.literal('ok') }) } },
    },
    (_input, res) => {
      res.json({ status: 'ok' });
    },
  );
  api.get(
    '/readyz',
    {
      operationId: 'readiness',
      summary: 'Readiness: the database answers and the Kafka consumer has joined',
      responses: {
        200: { description: 'Ready', body: readinessReport },
        503: { description: 'Not ready: a probe failed or did not answer', body: readinessReport },
      },
    },
    async (_input, res) => {
      const entries = await Promise.all(
        Object.entries(readiness).map(async ([name, check]) => [name, await probe(check)] as const),
      );
      const ready = entries.every(([, ok]) => ok);
      res
        .status(ready ? 200 : 503)
        .json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(entries) });
    },
  );
  if (metricsElsewhere) return;
  api.get(
    '/metrics',
    {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      responses: {
        200: {
          description: 'Metrics in the Prometheus text format',
          content: { mediaType: 'text/plain', schema: { type: 'string' } },
        },
      },
    },
    async (_input, res) => {
      res.type(metrics.contentType).send(await metrics.metrics());
    },
  );
}

async function probe(check: ReadinessCheck, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
