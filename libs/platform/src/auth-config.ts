import { z } from 'zod';

/**
 * The API edge's settings, part of every service's config: who issues the bearer
 * tokens the service accepts, where their public keys are, and how many writes a
 * client may send. Secure by default: without an issuer, an audience and a key set the
 * service refuses to start, unless AUTH_DISABLED=true says otherwise (see `requireAuth`).
 */
export const authConfigSchema = z.object({
  /** Serve the API without authentication (every caller may do everything): local experiments only. */
  AUTH_DISABLED: z.stringbool().default(false),
  /** The `iss` every token must carry, e.g. https://auth.example.com/ */
  AUTH_ISSUER: z.string().trim().min(1).optional(),
  /** The `aud` every token must include, e.g. orderflow */
  AUTH_AUDIENCE: z.string().trim().min(1).optional(),
  /** The issuer's JWKS, fetched when a key is needed and cached (rotation is followed). */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  /** A local JWKS file instead (the dev stack writes one), read once at start-up. */
  AUTH_JWKS_FILE: z.string().trim().min(1).optional(),
  /** Leeway for exp, nbf and iat against this machine's clock. */
  AUTH_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
  /** Writes (place, cancel) per second one client may send on average; 0: no limit. */
  RATE_LIMIT_WRITE_PER_S: z.coerce.number().min(0).default(10),
  /** Writes one client may send at once after a quiet spell; defaults to twice the rate. */
  RATE_LIMIT_WRITE_BURST: z.coerce.number().int().min(1).optional(),
  /** Serve /metrics on this port only (not on HTTP_PORT); unset: on HTTP_PORT. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

type AuthFields = Pick<
  AuthConfig,
  'AUTH_DISABLED' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_JWKS_URL' | 'AUTH_JWKS_FILE'
>;

/**
 * The rule a service's whole config schema must follow, applied last (a refined zod
 * object can no longer be extended): authentication is configured completely, or
 * switched off explicitly.
 */
export function requireAuth<S extends z.ZodObject>(schema: S): S {
  return schema.superRefine((value: unknown, ctx) => {
    const config = value as AuthFields;
    if (config.AUTH_DISABLED) return;
    const unless = 'required unless AUTH_DISABLED=true';
    if (!config.AUTH_ISSUER)
      ctx.addIssue({ code: 'custom', path: ['AUTH_ISSUER'], message: unless });
    if (!config.AUTH_AUDIENCE) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_AUDIENCE'], message: unless });
    }
    if (!config.AUTH_JWKS_URL === !config.AUTH_JWKS_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: [config.AUTH_JWKS_URL ? 'AUTH_JWKS_FILE' : 'AUTH_JWKS_URL'],
        message: config.AUTH_JWKS_URL
          ? 'set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both'
          : `this or AUTH_JWKS_FILE is ${unless}`,
      });
    }
  });
}
