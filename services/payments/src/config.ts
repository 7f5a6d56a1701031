import {
  baseConfigSchema,
  messagingConfigSchema,
  parseConfigOrExit,
  requireAuth,
} from '@orderflow/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend(messagingConfigSchema.shape).extend({
  /** Open the demo customers' accounts at start-up (idempotent). */
  SEED_DEMO_ACCOUNTS: z.stringbool().default(false),
  /** Orders at or above this amount (minor units) wait for manual review; unset: never. */
  PAYMENT_REVIEW_THRESHOLD_MINOR: z.coerce.number().int().min(1).optional(),
});

export type PaymentsConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<PaymentsConfig> {
  return parseConfigOrExit(requireAuth(schema), env);
}
