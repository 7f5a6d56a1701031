import path from 'node:path';
import type { Component } from '../component.js';
import { componentPaths } from '../component.js';
import type { StackConfig } from '../config.js';
import { kafkaUserEnvironment, stackEnvironment } from '../config.js';
import { devIssuer } from '../dev-auth.js';
import { typeScriptEntry } from '../process.js';
import { httpOk } from '../readiness.js';
import { ensureServiceDatabase, serviceDatabaseUrls } from './postgres.js';
import { workspaceRoot } from '../workspace.js';

export const serviceNames = ['orders', 'payments', 'shipping', 'notifications'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** For tests that run a private copy of a service next to the stack's own. */
export interface ServiceOverrides {
  /** The database to use (owned by the service's role) instead of the one named after it. */
  database?: string;
  /** Extra variables, e.g. KAFKA_TOPIC_PREFIX for topics and a consumer group of its own. */
  env?: Record<string, string>;
}

/**
 * One of the four services as a process, from source (tsx), with its own database
 * and role on the stack's Postgres, demo data seeded, and the same environment
 * variables it reads in docker compose and Kubernetes.
 */
export function service(
  config: StackConfig,
  name: ServiceName,
  overrides: ServiceOverrides = {},
): Component {
  const paths = componentPaths(config, name);
  const root = workspaceRoot();
  const port = config.ports.services[name];
  const url = `http://${config.host}:${port}`;
  const database = overrides.database ?? name;

  return {
    name,
    endpoint: url,
    startTimeoutMs: 60_000,
    provision: () => Promise.resolve(),

    /**
     * The service's own database, owned by a role of its own that migrates it; the
     * service runs as a second role that only reads and writes rows. No service can
     * connect to another's database.
     */
    async prepare() {
      // The key set the service verifies tokens against must exist before it starts.
      await devIssuer(config);
      await ensureServiceDatabase(config, name, database);
    },

    // A getter: the roles' passwords are generated on first use, not when the stack's
    // components are listed.
    get daemon() {
      return {
        name,
        ...typeScriptEntry(path.join(root, 'services', name, 'src', 'main.ts')),
        env: {
          ...process.env,
          ...serviceEnvironment(config, name, port, serviceDatabaseUrls(config, name, database)),
          ...overrides.env,
        },
        pidFile: paths.pidFile,
        logFile: paths.logFile,
        marker: path.join('services', name, 'src', 'main.ts'),
      };
    },

    ready: () => httpOk(`${url}/readyz`),
  };
}

function serviceEnvironment(
  config: StackConfig,
  name: ServiceName,
  port: number,
  database: { url: string; migrationUrl: string },
) {
  const shared = stackEnvironment(config);
  const common: Record<string, string> = {
    HTTP_HOST: config.host,
    HTTP_PORT: String(port),
    DATABASE_URL: database.url,
    DATABASE_MIGRATION_URL: database.migrationUrl,
    KAFKA_BROKERS: shared['KAFKA_BROKERS'] ?? '',
    SCHEMA_REGISTRY_URL: shared['SCHEMA_REGISTRY_URL'] ?? '',
    OTEL_EXPORTER_OTLP_ENDPOINT: shared['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '',
    OTEL_SERVICE_NAME: name,
    // Tokens from the dev issuer (npm run token); see dev-auth.ts.
    AUTH_ISSUER: shared['AUTH_ISSUER'] ?? '',
    AUTH_AUDIENCE: shared['AUTH_AUDIENCE'] ?? '',
    AUTH_JWKS_FILE: shared['AUTH_JWKS_FILE'] ?? '',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
    // A service killed here is restarted at once: its partitions should not wait long.
    KAFKA_SESSION_TIMEOUT_MS: '3000',
    // With --secure, each service is a Kafka user of its own, granted only its topics.
    ...kafkaUserEnvironment(config, name),
  };
  const own: Record<ServiceName, Record<string, string>> = {
    orders: { SAGA_DEADLINE_MS: String(config.demo.sagaDeadlineMs) },
    payments: {
      SEED_DEMO_ACCOUNTS: 'true',
      PAYMENT_REVIEW_THRESHOLD_MINOR: String(config.demo.reviewThresholdMinor),
    },
    shipping: { SEED_DEMO_STOCK: 'true' },
    notifications: { SMTP_URL: shared['SMTP_URL'] ?? '' },
  };
  return { ...common, ...own[name] };
}
