import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';

type Config<T extends string> = {
  name: string;
  help: string;
  labelNames?: readonly T[];
};

/**
 * Metrics live in the registry the service passes in (no module-level singletons). A
 * second relay or consumer in the same process reuses the metric instead of failing
 * on a duplicate registration.
 */
export function counter<T extends string>(registry: Registry, config: Config<T>): Counter<T> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Counter<T>;
  return new Counter<T>({ ...config, registers: [registry] });
}

export function histogram<T extends string>(
  registry: Registry,
  config: Config<T> & { buckets?: number[] },
): Histogram<T> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Histogram<T>;
  return new Histogram<T>({ ...config, registers: [registry] });
}

export function gauge<T extends string>(
  registry: Registry,
  config: Config<T> & { collect?: (this: Gauge<T>) => Promise<void> | void },
): Gauge<T> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Gauge<T>;
  return new Gauge<T>({ ...config, registers: [registry] });
}
