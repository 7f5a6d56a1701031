import type { MessagingTables } from '@orderflow/messaging';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { createDatabase, databaseAnswers } from './database.js';
import type { Migrate } from './database-roles.js';
import { migrateDatabase } from './database-roles.js';
import type { ReadinessCheck } from './http.js';
import type { HttpApi } from './http-api.js';
import { createHttpApp, createMetricsApp } from './http.js';
import { serve } from './http-server.js';
import type { Closer } from './lifecycle.js';
import { onShutdown } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';
import { env } from './config.js';
import { authConfigSchema } from './auth-config.js';
import { authenticatorFromConfig } from './auth.js';
import { writeRateLimiter } from './rate-limit.js';
import { StartupProgress } from './startup-progress.js';

/** The variables every service reads; each service extends this schema with its own. */
export const baseConfigSchema = z.object({
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: env.port(8080),
  /** The role the service runs as: reads and writes rows, changes no schema (see ADR 0005). */
  DATABASE_URL: env.url(),
  /**
   * The database's owner, for migrations at start-up; the service then grants the role
   * of DATABASE_URL what it needs. Unset: DATABASE_URL's role owns the database and
   * migrates it too (development only).
   */
  DATABASE_MIGRATION_URL: env.url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  LOG_LEVEL: env.logLevel(),
  ...authConfigSchema.shape,
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** What a service's `start` gets; `DB` is the service's database (its tables and the messaging ones). */
export interface ServiceContext<DB extends MessagingTables = MessagingTables> {
  logger: Logger;
  /** The pool of the runtime role (DATABASE_URL). */
  db: Kysely<DB>;
  metrics: Registry;
  /** Runs the service's migrations as the database owner and grants the runtime role. */
  migrate(migrations: Migrate): Promise<void>;
  /** Runs a start-up step that may wait on something outside: logged, and named while it waits. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export interface ServiceParts {
  /** The service's HTTP operations (its read API, and for orders the write API). */
  routes: HttpApi;
  readiness?: Record<string, ReadinessCheck>;
  /** Closed in reverse order on shutdown, before the HTTP server and the pool. */
  closers?: Closer[];
}

/**
 * The start-up half of a service's context: migrations run as the database owner, and
 * each step named in the log while it runs (`progress.done()` when start-up is over).
 */
export function startup(
  name: string,
  config: Pick<BaseConfig, 'DATABASE_URL' | 'DATABASE_MIGRATION_URL'>,
  logger: Logger,
): Pick<ServiceContext, 'migrate' | 'step'> & { progress: StartupProgress } {
  const progress = new StartupProgress(logger);
  const step = <T>(stepName: string, work: () => Promise<T>) => progress.step(stepName, work);
  const migrate = (migrations: Migrate) =>
    step('database migrations', () =>
      migrateDatabase({
        url: config.DATABASE_URL,
        migrationUrl: config.DATABASE_MIGRATION_URL,
        applicationName: name,
        migrate: migrations,
      }),
    );
  return { progress, migrate, step };
}

/**
 * The imperative shell shared by the four services: logger, pool, metrics
 * registry, HTTP server with health/readiness/metrics, graceful shutdown. The
 * service's own `start` wires its features and returns what the shell serves.
 */
export async function runService<DB extends MessagingTables>(
  name: string,
  config: BaseConfig,
  start: (context: ServiceContext<DB>) => Promise<ServiceParts>,
): Promise<void> {
  const logger = createLogger({ service: name, level: config.LOG_LEVEL });
  const metrics = new Registry();
  metrics.setDefaultLabels({ service: name });
  // The event-loop delay is sampled every 100 ms, not every 10 ms (prom-client's default):
  // a timer that woke an idle service 100 times a second.
  collectDefaultMetrics({ register: metrics, eventLoopMonitoringPrecision: 100 });
  const db = createDatabase<DB>({
    url: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    applicationName: name,
    // Readiness reports the outage; the pool reconnects on the next checkout.
    onConnectionLost: (err) => logger.warn({ err }, 'database connection lost'),
  });
  const closers: Closer[] = [{ name: 'database', close: () => db.destroy() }];
  const { progress, migrate, step } = startup(name, config, logger);
  try {
    const parts = await start({ logger, db, metrics, migrate, step });
    // Registered before listening, so that a port already in use still stops them.
    closers.push(...(parts.closers ?? []));
    const app = createHttpApp({
      logger,
      metrics,
      readiness: { database: () => databaseAnswers(db), ...parts.readiness },
      api: parts.routes,
      guards: {
        authenticator: authenticatorFromConfig(config, logger),
        writeLimiter: writeRateLimiter(config),
      },
      metricsElsewhere: config.METRICS_PORT !== undefined,
    });
    const servers = [await serve(app, config.HTTP_PORT, config.HTTP_HOST)];
    if (config.METRICS_PORT !== undefined) {
      servers.push(await serve(createMetricsApp(metrics), config.METRICS_PORT, config.HTTP_HOST));
    }
    for (const server of servers) {
      closers.push({
        name: 'http',
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      });
    }
    onShutdown(logger, closers);
    progress.done();
    logger.info({ port: config.HTTP_PORT }, `${name} listening`);
  } catch (err) {
    progress.done();
    logger.fatal({ err }, `${name} failed to start`);
    for (const closer of closers.reverse()) await closer.close().catch(() => undefined);
    process.exit(1);
  }
}
