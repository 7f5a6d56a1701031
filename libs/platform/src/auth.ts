import { readFileSync } from 'node:fs';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { AuthConfig } from './auth-config.js';
import { ConfigError } from './config.js';
import type { Logger } from './logger.js';
import { HttpProblem } from './problem.js';

/** The scope that lets a token see every customer's data, not only its own. */
export const adminScope = 'orderflow:admin';

/** The scopes the four APIs ask for. */
export const Scopes = {
  ordersWrite: 'orders:write',
  ordersRead: 'orders:read',
  paymentsRead: 'payments:read',
  shippingRead: 'shipping:read',
  notificationsRead: 'notifications:read',
} as const;

/**
 * Who is calling, as the bearer token says: its subject, its scopes, and whose data it
 * may see. A token acts for the customer in its `customer_id` claim, or for its `sub`
 * when it has none; a token with the admin scope sees every customer.
 */
export interface Principal {
  /** The token's `sub`; undefined when authentication is disabled. */
  subject: string | undefined;
  /** The token's `scope` claim; 'all' when authentication is disabled. */
  scopes: ReadonlySet<string> | 'all';
  sees: { allCustomers: true } | { allCustomers: false; customerId: string };
}

/** Turns an Authorization header into a principal, or a 401/503 problem. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}

/** The key set tokens are verified against: a remote JWKS (cached) or a local one. */
export type KeySet = { url: string } | { jwks: JSONWebKeySet };

export interface VerifierOptions {
  issuer: string;
  audience: string;
  keys: KeySet;
  clockToleranceSeconds: number;
  /** How long a verified token is taken without verifying it again (60 s at most). */
  verifiedForSeconds?: number;
  /** Verified tokens remembered at most (1,000). */
  maxVerified?: number;
}

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned (none) token is refused. */
const algorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];
const realm = 'orderflow';

/**
 * Verifies bearer JWTs: signature against the key set, issuer, audience, expiry. A
 * token verified once is taken again without verifying its signature for a while (see
 * VerifiedTokens).
 */
export function jwtAuthenticator(options: VerifierOptions): Authenticator {
  const keys: JWTVerifyGetKey =
    'url' in options.keys
      ? createRemoteJWKSet(new URL(options.keys.url))
      : createLocalJWKSet(options.keys.jwks);
  const verified = new VerifiedTokens(options.verifiedForSeconds, options.maxVerified);
  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      const known = verified.get(token, Date.now());
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds,
          algorithms,
          requiredClaims: ['exp', 'sub'],
        });
        const principal = principalOf(payload);
        verified.remember(token, principal, payload.exp!, Date.now());
        return principal;
      } catch (error) {
        throw tokenProblem(error);
      }
    },
  };
}

/**
 * Tokens whose signature was verified, and who they are. A client sends the same token
 * with every request until it expires, and verifying a signature is most of an API
 * request's CPU (ES256: ~0.3 ms). A token is kept by its whole text (signature
 * included, so any other token is verified anew) until its `exp` or for `forSeconds`,
 * whichever is sooner: the second bounds how long a key taken out of the key set keeps
 * its tokens working. Failures are never kept. At most `max` tokens are kept; the least
 * recently used go first.
 */
export class VerifiedTokens {
  private readonly tokens = new Map<string, { principal: Principal; untilMs: number }>();

  constructor(
    private readonly forSeconds = 60,
    private readonly max = 1_000,
  ) {}

  get(token: string, nowMs: number): Principal | undefined {
    const known = this.tokens.get(token);
    if (!known) return undefined;
    this.tokens.delete(token);
    if (known.untilMs <= nowMs) return undefined;
    this.tokens.set(token, known);
    return known.principal;
  }

  remember(token: string, principal: Principal, expSeconds: number, nowMs: number): void {
    const untilMs = Math.min(expSeconds * 1000, nowMs + this.forSeconds * 1000);
    if (untilMs <= nowMs) return;
    if (this.tokens.size >= this.max) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(token, { principal, untilMs });
  }
}

/** With authentication off, every caller is an anonymous admin with every scope. */
export const unauthenticated: Authenticator = {
  authenticate: () =>
    Promise.resolve({
      subject: undefined,
      scopes: 'all',
      sees: { allCustomers: true },
    }),
};

/** The authenticator a service's config asks for; logs once when authentication is off. */
export function authenticatorFromConfig(config: AuthConfig, logger: Logger): Authenticator {
  if (config.AUTH_DISABLED) {
    logger.warn('AUTH_DISABLED=true: the API accepts every request without a token');
    return unauthenticated;
  }
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = config;
  if (!issuer || !audience || !(config.AUTH_JWKS_URL ?? config.AUTH_JWKS_FILE)) {
    throw new ConfigError(
      'AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL or AUTH_JWKS_FILE are required',
    );
  }
  return jwtAuthenticator({
    issuer,
    audience,
    keys: config.AUTH_JWKS_URL
      ? { url: config.AUTH_JWKS_URL }
      : { jwks: readJwksFile(config.AUTH_JWKS_FILE!) },
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_S,
  });
}

function readJwksFile(file: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `AUTH_JWKS_FILE: cannot read a JSON key set from ${file}: ${String(error)}`,
    );
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError(
      `AUTH_JWKS_FILE: ${file} is not a JWKS (an object with a non-empty "keys")`,
    );
  }
  return parsed as JSONWebKeySet;
}

/** The token of `Authorization: Bearer <token>`; anything else is no credentials at all. */
function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  if (match?.[1]) return match[1];
  if (authorization && /^Bearer\b/i.test(authorization)) {
    throw unauthorized('the bearer token is malformed', 'invalid_token');
  }
  throw unauthorized('a bearer token is required (Authorization: Bearer <token>)');
}

function principalOf(payload: Record<string, unknown>): Principal {
  const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
  const scopes = new Set(scope.split(' ').filter(Boolean));
  const customerId = payload['customer_id'] ?? payload['sub'];
  if (typeof customerId !== 'string' || customerId === '') {
    throw unauthorized('the token names no customer (customer_id or sub)', 'invalid_token');
  }
  return {
    subject: String(payload['sub']),
    scopes,
    sees: scopes.has(adminScope) ? { allCustomers: true } : { allCustomers: false, customerId },
  };
}

/** What went wrong with a token, for the caller; a key set that cannot be fetched is ours. */
function tokenProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof errors.JWTExpired)
    return unauthorized('the token has expired', 'invalid_token');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthorized(`the token's "${error.claim}" claim is not accepted here`, 'invalid_token');
  }
  const keysUnavailable =
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid;
  if (keysUnavailable || !(error instanceof errors.JOSEError)) {
    return HttpProblem.unavailable('the token issuer’s keys could not be fetched', 5);
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWSSignatureVerificationFailed
  ) {
    return unauthorized('the token is not signed by the issuer', 'invalid_token');
  }
  return unauthorized('the token is not a valid signed JWT', 'invalid_token');
}

/** 401 with the RFC 6750 challenge: no error code when no credentials came at all. */
export function unauthorized(detail: string, error?: 'invalid_token'): HttpProblem {
  const challenge = error
    ? `Bearer realm="${realm}", error="${error}", error_description="${detail.replaceAll('"', "'")}"`
    : `Bearer realm="${realm}"`;
  return new HttpProblem(401, 'Unauthorized', detail, {}, { 'WWW-Authenticate': challenge });
}

/** 403: authenticated, but the token lacks a scope the operation needs. */
export function insufficientScope(required: readonly string[]): HttpProblem {
  const scope = required.join(' ');
  return new HttpProblem(
    403,
    'Forbidden',
    `the token lacks the scope this operation needs: ${scope}`,
    { requiredScopes: required },
    { 'WWW-Authenticate': `Bearer realm="${realm}", error="insufficient_scope", scope="${scope}"` },
  );
}

/** Whether the token carries every one of `required`. */
export function hasScopes(principal: Principal, required: readonly string[]): boolean {
  const { scopes } = principal;
  return scopes === 'all' || required.every((scope) => scopes.has(scope));
}

/** 403 for a caller who may not act for `customerId`. */
export function notYourCustomer(customerId: string): HttpProblem {
  return new HttpProblem(403, 'Forbidden', `this token does not act for customer ${customerId}`);
}

/** Whether the caller may see data of `customerId` (null: a record whose customer is unknown). */
export function maySee(principal: Principal, customerId: string | null | undefined): boolean {
  return principal.sees.allCustomers || principal.sees.customerId === customerId;
}

/** The customer a listing is limited to; undefined when the caller sees every customer. */
export function customerFilter(principal: Principal): string | undefined {
  return principal.sees.allCustomers ? undefined : principal.sees.customerId;
}
