import { baseConfigSchema, messagingConfigSchema, parseConfigOrExit } from '@orderflow/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend(messagingConfigSchema.shape).extend({
  /** Open the demo customers' accounts at start-up (idempotent). */
  SEED_DEMO_ACCOUNTS: z.stringbool().default(false),
});

export type PaymentsConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<PaymentsConfig> {
  return parseConfigOrExit(schema, env);
}
