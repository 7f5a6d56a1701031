import {
  baseConfigSchema,
  messagingConfigSchema,
  parseConfigOrExit,
  requireAuth,
} from '@orderflow/platform';
import { z } from 'zod';

const schema = baseConfigSchema.extend(messagingConfigSchema.shape).extend({
  /** A PENDING order older than this is cancelled with reason TIMEOUT. */
  SAGA_DEADLINE_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How often the deadline is checked. */
  SAGA_DEADLINE_SCAN_MS: z.coerce.number().int().min(100).default(1_000),
  /** Refuse new orders (503, Retry-After) that the sagas in flight leave no time for. */
  ADMISSION_CONTROL: z.stringbool().default(true),
  /** In-flight orders always admitted, before a completion rate is known. */
  ADMISSION_MIN_IN_FLIGHT: z.coerce.number().int().min(1).default(100),
  /** How long the orders in flight may take to drain; defaults to a third of the deadline. */
  ADMISSION_QUEUE_SECONDS: z.coerce.number().positive().optional(),
  /** How often the load is sampled. */
  ADMISSION_SAMPLE_MS: z.coerce.number().int().min(50).default(250),
});

export type OrdersConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<OrdersConfig> {
  return parseConfigOrExit(requireAuth(schema), env);
}
