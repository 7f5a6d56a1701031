import path from 'node:path';
import pg from 'pg';
import type { Component } from '../component.js';
import { componentPaths } from '../component.js';
import type { StackConfig } from '../config.js';
import { kafkaUserEnvironment, stackEnvironment } from '../config.js';
import { devIssuer } from '../dev-auth.js';
import { typeScriptEntry } from '../process.js';
import { httpOk } from '../readiness.js';
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
  const databaseUrl = config.endpoints.postgresUrl
    .replace(/\/\/[^@]+@/, `//${name}@`)
    .replace(/\/[^/]*$/, `/${database}`);

  return {
    name,
    endpoint: url,
    startTimeoutMs: 60_000,
    provision: () => Promise.resolve(),

    /** The service's own database, owned by a role of its own: no service reads another's. */
    async prepare() {
      // The key set the service verifies tokens against must exist before it starts.
      await devIssuer(config);
      const admin = new pg.Client({ connectionString: config.endpoints.postgresUrl });
      // Postgres restarting under us fails the query in flight; without a listener the
      // client's 'error' event would also crash the whole CLI.
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        const role = await admin.query('select 1 from pg_roles where rolname = $1', [name]);
        if (role.rowCount === 0) await admin.query(`create role "${name}" login`);
        const db = await admin.query('select 1 from pg_database where datname = $1', [database]);
        if (db.rowCount === 0) await admin.query(`create database "${database}" owner "${name}"`);
      } finally {
        await admin.end();
      }
    },

    daemon: {
      name,
      ...typeScriptEntry(path.join(root, 'services', name, 'src', 'main.ts')),
      env: {
        ...process.env,
        ...serviceEnvironment(config, name, port, databaseUrl),
        ...overrides.env,
      },
      pidFile: paths.pidFile,
      logFile: paths.logFile,
      marker: path.join('services', name, 'src', 'main.ts'),
    },

    ready: () => httpOk(`${url}/readyz`),
  };
}

function serviceEnvironment(
  config: StackConfig,
  name: ServiceName,
  port: number,
  databaseUrl: string,
) {
  const shared = stackEnvironment(config);
  const common: Record<string, string> = {
    HTTP_HOST: config.host,
    HTTP_PORT: String(port),
    DATABASE_URL: databaseUrl,
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
