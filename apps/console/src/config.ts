import { z } from 'zod';

/**
 * The console's configuration, from the environment, parsed once. It reads the
 * services over HTTP, Jaeger's query API, the mail sink's API and the dead-letter
 * topics on Kafka, like any other client; never a service's database.
 */
const url = z.url().transform((u) => u.replace(/\/$/, ''));
const schema = z.object({
  CONSOLE_HOST: z.string().default('127.0.0.1'),
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(18100),
  ORDERS_URL: url.default('http://127.0.0.1:18101'),
  /** The other services' read APIs: what the timeline shows for their events. */
  PAYMENTS_URL: url.default('http://127.0.0.1:18102'),
  SHIPPING_URL: url.default('http://127.0.0.1:18103'),
  NOTIFICATIONS_URL: url.default('http://127.0.0.1:18104'),
  JAEGER_QUERY_URL: url.default('http://127.0.0.1:16686'),
  /** Where a person can open a trace in Jaeger's UI; unset, no link is shown. */
  JAEGER_UI_URL: url.optional(),
  /** A Mailpit-compatible API (`/api/v1/messages`); unset, no e-mail is shown. */
  MAIL_API_URL: url.optional(),
  KAFKA_BROKERS: z.string().default('127.0.0.1:19092'),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  /** Offer to redrive dead letters: for the local stack only. */
  CONSOLE_REDRIVE: z.stringbool().default(false),
  /** A bearer token for the services, when they require one. */
  SERVICES_TOKEN: z.string().optional(),
  /** The page as the `build` target wrote it; unset, it is bundled from the sources. */
  CONSOLE_UI_DIR: z.string().min(1).optional(),
});

export type ConsoleConfig = Readonly<ReturnType<typeof parseConfig>>;

export function parseConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${problems.join('\n')}`);
  }
  const c = parsed.data;
  return Object.freeze({
    host: c.CONSOLE_HOST,
    port: c.CONSOLE_PORT,
    ordersUrl: c.ORDERS_URL,
    serviceUrls: Object.freeze({
      payments: c.PAYMENTS_URL,
      shipping: c.SHIPPING_URL,
      notifications: c.NOTIFICATIONS_URL,
    }),
    jaegerQueryUrl: c.JAEGER_QUERY_URL,
    jaegerUiUrl: c.JAEGER_UI_URL,
    mailApiUrl: c.MAIL_API_URL,
    kafkaBrokers: c.KAFKA_BROKERS.split(','),
    topicPrefix: c.KAFKA_TOPIC_PREFIX,
    redrive: c.CONSOLE_REDRIVE,
    servicesToken: c.SERVICES_TOKEN,
    uiDir: c.CONSOLE_UI_DIR,
  });
}
