import { baseConfigSchema, messagingConfigSchema, parseConfigOrExit } from '@orderflow/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend(messagingConfigSchema.shape).extend({
  /** A PENDING order older than this is cancelled with reason TIMEOUT. */
  SAGA_DEADLINE_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How often the deadline is checked. */
  SAGA_DEADLINE_SCAN_MS: z.coerce.number().int().min(100).default(1_000),
});

export type OrdersConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<OrdersConfig> {
  return parseConfigOrExit(schema, env);
}
