import {
  baseConfigSchema,
  messagingConfigSchema,
  parseConfigOrExit,
  requireAuth,
} from '@orderflow/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend(messagingConfigSchema.shape).extend({
  /** Where e-mail is handed over, e.g. smtp://127.0.0.1:11025 or smtps://user:pass@host:465. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL' }),
  /** The From header of every notification. */
  MAIL_FROM: z.string().min(3).default('orderflow <orders@orderflow.test>'),
  /**
   * The contract carries no e-mail address, so the recipient is `<customerId>@<domain>`.
   * A real system would look the address up in a customer service instead.
   */
  NOTIFY_EMAIL_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain name such as customers.example.com')
    .default('customers.orderflow.test'),
  /** Polling fallback of the sender when no wake-up notification arrives. */
  NOTIFICATION_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Cap of the exponential backoff between SMTP attempts for one notification. */
  NOTIFICATION_RETRY_MAX_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * E-mails the sender has in flight at once. Above SMTP_POOL_MAX_CONNECTIONS the extra
   * ones wait in the pool's queue, so a connection never idles between two messages.
   */
  NOTIFICATION_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Due rows the sender reads per pass; it passes again at once while it sent some. */
  NOTIFICATION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
  /** SMTP connections the pool keeps open at most (the mail server's per-client limit). */
  SMTP_POOL_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(4),
  /** Messages one pooled SMTP connection carries before it is closed and replaced. */
  SMTP_POOL_MAX_MESSAGES: z.coerce.number().int().min(1).default(100),
});

export type NotificationsConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<NotificationsConfig> {
  return parseConfigOrExit(requireAuth(schema), env);
}

/** For the schema's unit test; the service reads its config once, through `loadConfig`. */
export const notificationsConfigSchema = requireAuth(schema);
