import {
  baseConfigSchema,
  env,
  messagingConfigSchema,
  parseConfigOrExit,
  requireAuth,
} from '@orderflow/platform';
import { z } from 'zod';

/** Where the default carrier delivers: the euro area's larger markets, the UK and the US. */
const defaultCountries = [
  'AT',
  'BE',
  'DE',
  'DK',
  'ES',
  'FI',
  'FR',
  'IE',
  'IT',
  'NL',
  'PL',
  'PT',
  'SE',
  'GB',
  'US',
];

const schema = baseConfigSchema.extend(messagingConfigSchema.shape).extend({
  /** The carrier every shipment is booked with. */
  SHIPPING_CARRIER: z.string().trim().min(1).max(100).default('orderflow-post'),
  /** Days from scheduling to delivery: the shipment's eta. */
  SHIPPING_TRANSIT_DAYS: z.coerce.number().int().min(0).max(60).default(2),
  /** ISO 3166-1 alpha-2 codes the carrier delivers to, comma-separated. */
  SHIPPING_COUNTRIES: env
    .list()
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 codes such as DE')).min(1))
    .default(defaultCountries),
  /** Stock the demo SKUs at start-up (idempotent: existing rows are left alone). */
  SEED_DEMO_STOCK: z.stringbool().default(false),
});

export type ShippingConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<ShippingConfig> {
  return parseConfigOrExit(requireAuth(schema), env);
}
