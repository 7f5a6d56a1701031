import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase, databaseAnswers } from '../database.js';
import { createHttpApp } from '../http.js';
import { serve } from '../http-server.js';
import { createLogger } from '../logger.js';
import { messagingConfigSchema } from '../integration/runtime.js';
import type { ServiceContext, ServiceParts } from '../service.js';
import { startup } from '../service.js';
import { Registry } from 'prom-client';
import type { TestDatabase } from '@orderflow/testing';
import type { MessagingTables } from '@orderflow/messaging';
import {
  bearer,
  createTestDatabase,
  stack,
  testAuth,
  testIssuer,
  uniqueName,
} from '@orderflow/testing';
import { jwtAuthenticator, unauthenticated } from '../auth.js';
import { writeRateLimiter } from '../rate-limit.js';

export interface RunningService {
  baseUrl: string;
  database: TestDatabase<unknown>;
  metrics: Registry;
  /** `Bearer <token>` of the test issuer with every scope, seeing every customer. */
  authorization: string;
  /** Stops the service's parts, closes the HTTP server and drops the database. */
  stop(): Promise<void>;
}

/** The settings every service reads, pointed at the test stack with isolated names. */
export function serviceTestConfig(database: TestDatabase<unknown>, topicPrefix: string) {
  return {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: 0,
    DATABASE_URL: database.roles.runtimeUrl,
    DATABASE_MIGRATION_URL: database.roles.ownerUrl,
    DATABASE_POOL_MAX: 10,
    LOG_LEVEL: 'warn' as const,
    // Authentication on, against the test issuer (libs/testing); no write rate limit
    // unless a test is about it.
    AUTH_DISABLED: false,
    AUTH_ISSUER: testAuth.issuer,
    AUTH_AUDIENCE: testAuth.audience,
    AUTH_CLOCK_TOLERANCE_S: 30,
    RATE_LIMIT_WRITE_PER_S: 0,
    // The production defaults of every messaging setting, pointed at the stack.
    ...messagingConfigSchema.parse({
      KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.endpoints.registryUrl,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      OUTBOX_POLL_INTERVAL_MS: '200',
    }),
  };
}

/**
 * Runs a service in this process against the real stack: a fresh database, topic
 * names under a unique prefix (so tests never share a topic or a consumer group), and
 * the same HTTP shell as production on a free port.
 */
export async function startServiceForTest<C, DB extends MessagingTables = MessagingTables>(
  name: string,
  start: (
    config: C & ReturnType<typeof serviceTestConfig>,
    context: ServiceContext<DB>,
  ) => Promise<ServiceParts>,
  extra: C,
  topicPrefix = `${uniqueName('t')}.`,
): Promise<RunningService & { config: C & ReturnType<typeof serviceTestConfig> }> {
  const database = await createTestDatabase<unknown>(name);
  const config = { ...serviceTestConfig(database, topicPrefix), ...extra };
  const logger = createLogger({ service: name, level: 'warn' });
  const metrics = new Registry();
  // The service as it runs in production: migrated by the owner, running as the
  // runtime role (the test's own `database.db` is the superuser's).
  const db = createDatabase<DB>({ url: config.DATABASE_URL, applicationName: name });
  const { progress, migrate, step } = startup(name, config, logger);
  const parts = await start(config, { logger, db, metrics, migrate, step })
    .finally(() => progress.done())
    .catch(async (error: unknown) => {
      await db.destroy();
      await database.drop();
      throw error;
    });
  const keys = { jwks: (await testIssuer()).jwks() };
  const app = createHttpApp({
    logger,
    metrics,
    readiness: { database: () => databaseAnswers(db), ...parts.readiness },
    api: parts.routes,
    guards: {
      authenticator: config.AUTH_DISABLED
        ? unauthenticated
        : jwtAuthenticator({
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            keys,
            clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_S,
          }),
      writeLimiter: writeRateLimiter(config),
    },
  });
  const server: Server = await serve(app, 0, '127.0.0.1');
  return {
    config,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    database,
    metrics,
    authorization: (await bearer('all')).authorization,
    async stop() {
      for (const closer of [...(parts.closers ?? [])].reverse()) await closer.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.destroy();
      await database.drop();
    },
  };
}
