import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Component } from '../component.js';
import { componentPaths } from '../component.js';
import type { StackConfig } from '../config.js';
import { kafkaUserEnvironment, stackEnvironment } from '../config.js';
import { devIssuer } from '../dev-auth.js';
import type { BundleBuild, DaemonSpec } from '../process.js';
import { bundleEntry, ensureBundle, typeScriptEntry } from '../process.js';
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
 * One of the four services as a process, from its bundle (see serviceEntry), with its own database
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
    // The bundle, built when it is missing or older than its sources.
    provision: () => ensureServiceBundle(name, { logDir: path.dirname(paths.logFile) }),

    /**
     * The service's own database, owned by a role of its own that migrates it; the
     * service runs as a second role that only reads and writes rows. No service can
     * connect to another's database.
     */
    async prepare() {
      // Again: chaos and the tests call prepare() without provision(). A no-op when fresh.
      await ensureServiceBundle(name, { logDir: path.dirname(paths.logFile) });
      // The key set the service verifies tokens against must exist before it starts.
      await devIssuer(config);
      await ensureServiceDatabase(config, name, database);
    },

    // A getter: the roles' passwords are generated on first use, not when the stack's
    // components are listed.
    get daemon() {
      return {
        name,
        ...serviceEntry(name, root),
        env: {
          ...process.env,
          ...serviceEnvironment(config, name, port, serviceDatabaseUrls(config, name, database)),
          ...overrides.env,
        },
        pidFile: paths.pidFile,
        logFile: paths.logFile,
        marker: serviceMarker(name),
      };
    },

    ready: () => httpOk(`${url}/readyz`),
  };
}

/**
 * Runs from source (node --import tsx) instead of the bundle: for a quick look at an
 * edit without a build. The bundle is the default: tsx compiles the sources on every
 * start, which took 15–19 s on a busy machine against about a second for the bundle.
 */
export function fromSource(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true'].includes(env['ORDERFLOW_FROM_SOURCE'] ?? '');
}

/**
 * How the stack, chaos, the bench and the e2e harness run a service: one node process
 * on the bundle of its Nx build target (dist/services/<name>/main.cjs, npm packages
 * external, as in the container image), or on its TypeScript sources with
 * ORDERFLOW_FROM_SOURCE=1. Call ensureServiceBundle first.
 */
export function serviceEntry(
  name: ServiceName,
  root = workspaceRoot(),
  env: NodeJS.ProcessEnv = process.env,
): Pick<DaemonSpec, 'command' | 'args' | 'cwd'> {
  if (fromSource(env)) {
    const entry = typeScriptEntry(path.join(root, 'services', name, 'src', 'main.ts'));
    return { ...entry, cwd: root };
  }
  return bundleEntry(path.join(root, serviceBuild(name, root).outfile), root);
}

/**
 * In the command line of the service's process, bundle or source: a stack started
 * before a switch between the two is still stopped by the next `stack down`.
 */
export function serviceMarker(name: ServiceName): string {
  return `${path.join('services', name)}${path.sep}`;
}

/** The service's Nx build target (services/<name>/project.json), without its typecheck. */
export function serviceBuild(name: ServiceName, root = workspaceRoot()): BundleBuild {
  const project = path.join('services', name, 'project.json');
  const { targets } = JSON.parse(readFileSync(path.join(root, project), 'utf8')) as {
    targets?: { build?: { options?: { command?: string } } };
  };
  const command = targets?.build?.options?.command ?? '';
  // The command names its output and its list of sources (esbuild --outfile, --metafile).
  const outfile = /--outfile=(\S+)/.exec(command)?.[1];
  const metafile = /--metafile=(\S+)/.exec(command)?.[1];
  if (!outfile || !metafile) {
    throw new Error(`${project}: the build command must name --outfile= and --metafile=`);
  }
  return { cwd: root, command, outfile, metafile, settings: [project, 'tsconfig.base.json'] };
}

/** Builds the service's bundle when it is missing or stale (not with ORDERFLOW_FROM_SOURCE). */
export async function ensureServiceBundle(
  name: ServiceName,
  options: { root?: string; logDir: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  if (fromSource(options.env)) return;
  const build = serviceBuild(name, options.root);
  await ensureBundle(name, build, path.join(options.logDir, `${name}-build.log`));
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
    // One process per service here: after a crash its restart removes the member it left.
    KAFKA_GROUP_INSTANCE_ID: name,
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
