import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { devAuthEnvironment } from './dev-auth.js';

/**
 * Where the local stack lives and listens. Every value can be overridden by an
 * environment variable; the defaults avoid the well-known ports so that the stack
 * does not collide with anything else running on the machine.
 */
const port = z.coerce.number().int().min(1024).max(65535);

const schema = z.object({
  ORDERFLOW_CACHE_DIR: z.string().default(path.join(homedir(), '.cache', 'orderflow')),
  ORDERFLOW_STACK_DIR: z.string().default(path.join(tmpdir(), 'orderflow-stack')),
  ORDERFLOW_KAFKA_PORT: port.default(19092),
  ORDERFLOW_KAFKA_CONTROLLER_PORT: port.default(19093),
  /**
   * Kafka's client listener speaks SASL_SSL (SCRAM-SHA-512, a CA of the stack's own)
   * with ACLs instead of PLAINTEXT: `npm run stack -- up --secure` sets it.
   */
  ORDERFLOW_KAFKA_SECURE: z.stringbool().default(false),
  ORDERFLOW_REGISTRY_PORT: port.default(18081),
  ORDERFLOW_REGISTRY_MANAGEMENT_PORT: port.default(18082),
  ORDERFLOW_POSTGRES_PORT: port.default(15432),
  ORDERFLOW_OTLP_GRPC_PORT: port.default(14317),
  ORDERFLOW_OTLP_HTTP_PORT: port.default(14318),
  ORDERFLOW_JAEGER_QUERY_PORT: port.default(16686),
  ORDERFLOW_JAEGER_HEALTH_PORT: port.default(13133),
  ORDERFLOW_SMTP_PORT: port.default(11025),
  ORDERFLOW_MAIL_API_PORT: port.default(18025),
  ORDERFLOW_ORDERS_PORT: port.default(18101),
  ORDERFLOW_PAYMENTS_PORT: port.default(18102),
  ORDERFLOW_SHIPPING_PORT: port.default(18103),
  ORDERFLOW_NOTIFICATIONS_PORT: port.default(18104),
  ORDERFLOW_CONSOLE_PORT: port.default(18100),
  /** The services the stack runs cancel orders still pending after this long. */
  ORDERFLOW_SAGA_DEADLINE_MS: z.coerce.number().int().min(1_000).default(15_000),
  /** Orders at or above this amount (minor units) wait for manual review in payments. */
  ORDERFLOW_REVIEW_THRESHOLD_MINOR: z.coerce.number().int().min(1).default(100_000),
});

export const versions = {
  kafka: '3.9.1',
  apicurio: '3.3.3',
  /** Jaeger v2.13.0, published on the Go module proxy under its twin tag v1.76.0. */
  jaeger: 'v1.76.0',
} as const;

export type StackConfig = ReturnType<typeof loadStackConfig>;

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid stack configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const host = '127.0.0.1';
  return Object.freeze({
    host,
    cacheDir: e.ORDERFLOW_CACHE_DIR,
    stateDir: e.ORDERFLOW_STACK_DIR,
    kafkaSecure: e.ORDERFLOW_KAFKA_SECURE,
    ports: Object.freeze({
      kafka: e.ORDERFLOW_KAFKA_PORT,
      kafkaController: e.ORDERFLOW_KAFKA_CONTROLLER_PORT,
      registry: e.ORDERFLOW_REGISTRY_PORT,
      registryManagement: e.ORDERFLOW_REGISTRY_MANAGEMENT_PORT,
      postgres: e.ORDERFLOW_POSTGRES_PORT,
      otlpGrpc: e.ORDERFLOW_OTLP_GRPC_PORT,
      otlpHttp: e.ORDERFLOW_OTLP_HTTP_PORT,
      jaegerQuery: e.ORDERFLOW_JAEGER_QUERY_PORT,
      jaegerHealth: e.ORDERFLOW_JAEGER_HEALTH_PORT,
      smtp: e.ORDERFLOW_SMTP_PORT,
      mailApi: e.ORDERFLOW_MAIL_API_PORT,
      services: Object.freeze({
        orders: e.ORDERFLOW_ORDERS_PORT,
        payments: e.ORDERFLOW_PAYMENTS_PORT,
        shipping: e.ORDERFLOW_SHIPPING_PORT,
        notifications: e.ORDERFLOW_NOTIFICATIONS_PORT,
      }),
      console: e.ORDERFLOW_CONSOLE_PORT,
    }),
    demo: Object.freeze({
      sagaDeadlineMs: e.ORDERFLOW_SAGA_DEADLINE_MS,
      reviewThresholdMinor: e.ORDERFLOW_REVIEW_THRESHOLD_MINOR,
    }),
    endpoints: Object.freeze({
      kafkaBrokers: [`${host}:${e.ORDERFLOW_KAFKA_PORT}`],
      registryUrl: `http://${host}:${e.ORDERFLOW_REGISTRY_PORT}/apis/ccompat/v7`,
      postgresUrl: `postgres://orderflow@${host}:${e.ORDERFLOW_POSTGRES_PORT}/postgres`,
      otlpHttpUrl: `http://${host}:${e.ORDERFLOW_OTLP_HTTP_PORT}`,
      jaegerQueryUrl: `http://${host}:${e.ORDERFLOW_JAEGER_QUERY_PORT}`,
      smtpUrl: `smtp://${host}:${e.ORDERFLOW_SMTP_PORT}`,
      mailApiUrl: `http://${host}:${e.ORDERFLOW_MAIL_API_PORT}`,
      ordersUrl: `http://${host}:${e.ORDERFLOW_ORDERS_PORT}`,
      consoleUrl: `http://${host}:${e.ORDERFLOW_CONSOLE_PORT}`,
    }),
  });
}

/** Where a secure Kafka keeps its CA, keystore and the users' passwords (mode 700). */
export function kafkaSecurityDir(config: StackConfig): string {
  return path.join(config.stateDir, 'kafka', 'secure');
}

/** The generated password of a secure Kafka's user (a service, or `admin`). */
export function kafkaPasswordFile(config: StackConfig, user: string): string {
  return path.join(kafkaSecurityDir(config), `${user}.password`);
}

/**
 * The variables a service or test needs to reach this stack, in the services' own
 * names. With a secure Kafka, each client also names its user (kafkaUserEnvironment).
 */
export function stackEnvironment(config: StackConfig): Record<string, string> {
  const kafkaSecurity: Record<string, string> = config.kafkaSecure
    ? {
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SSL_CA_FILE: path.join(kafkaSecurityDir(config), 'ca.pem'),
      }
    : {};
  return {
    KAFKA_BROKERS: config.endpoints.kafkaBrokers.join(','),
    ...kafkaSecurity,
    SCHEMA_REGISTRY_URL: config.endpoints.registryUrl,
    DATABASE_URL: config.endpoints.postgresUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: config.endpoints.otlpHttpUrl,
    JAEGER_QUERY_URL: config.endpoints.jaegerQueryUrl,
    SMTP_URL: config.endpoints.smtpUrl,
    MAIL_API_URL: config.endpoints.mailApiUrl,
    // The dev issuer's public keys; `npm run token` mints its tokens.
    ...devAuthEnvironment(config),
  };
}

/** How a client reaches this stack's Kafka as `user`: nothing to add for PLAINTEXT. */
export function kafkaUserEnvironment(config: StackConfig, user: string): Record<string, string> {
  if (!config.kafkaSecure) return {};
  const shared = stackEnvironment(config);
  return {
    KAFKA_SECURITY_PROTOCOL: shared['KAFKA_SECURITY_PROTOCOL'] ?? '',
    KAFKA_SASL_MECHANISM: shared['KAFKA_SASL_MECHANISM'] ?? '',
    KAFKA_SSL_CA_FILE: shared['KAFKA_SSL_CA_FILE'] ?? '',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD_FILE: kafkaPasswordFile(config, user),
  };
}
