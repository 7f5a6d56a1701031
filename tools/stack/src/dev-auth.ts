import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { StackConfig } from './config.js';

/** Every scope the four APIs ask for, and the one that sees every customer. */
export const allScopes = [
  'orders:write',
  'orders:read',
  'payments:read',
  'shipping:read',
  'notifications:read',
  'orderflow:admin',
] as const;

export interface TokenRequest {
  scopes: readonly string[];
  /** The `customer_id` claim: the customer the token acts for. */
  customerId?: string | undefined;
  /** The `sub` claim; defaults to the customer, else "dev". */
  subject?: string | undefined;
  /** Lifetime from now; may be negative for an expired token. */
  ttlSeconds?: number;
  /** Another issuer or audience than the issuer's own, to test that they are refused. */
  issuer?: string;
  audience?: string;
}

/**
 * Signs bearer tokens with one ES256 key and publishes its public half as a JWKS: the
 * stand-in for an identity provider in the dev stack and in tests.
 */
export class TokenIssuer {
  private constructor(
    readonly issuer: string,
    readonly audience: string,
    private readonly key: JWK,
  ) {}

  static async generate(issuer: string, audience: string): Promise<TokenIssuer> {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    jwk.kid = await calculateJwkThumbprint(jwk);
    jwk.alg = 'ES256';
    jwk.use = 'sig';
    return new TokenIssuer(issuer, audience, jwk);
  }

  static fromJwk(issuer: string, audience: string, jwk: JWK): TokenIssuer {
    return new TokenIssuer(issuer, audience, jwk);
  }

  /** The private key, for a file only its owner reads. */
  get privateJwk(): JWK {
    return { ...this.key };
  }

  /** The public key set services verify against (AUTH_JWKS_FILE or AUTH_JWKS_URL). */
  jwks(): JSONWebKeySet {
    const { d: _private, ...publicJwk } = this.key;
    return { keys: [publicJwk] };
  }

  async mint(request: TokenRequest): Promise<string> {
    const key = await importJWK(this.key, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const subject = request.subject ?? request.customerId ?? 'dev';
    return new SignJWT({
      scope: request.scopes.join(' '),
      ...(request.customerId ? { customer_id: request.customerId } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.key.kid!, typ: 'JWT' })
      .setIssuer(request.issuer ?? this.issuer)
      .setAudience(request.audience ?? this.audience)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + (request.ttlSeconds ?? 3_600))
      .sign(key);
  }
}

/** The dev stack's issuer and audience: what its services accept. */
export const devAuth = { issuer: 'https://auth.orderflow.local/', audience: 'orderflow' } as const;

/** Where the stack keeps its dev key pair (its state directory, never the repository). */
export function devKeyPaths(config: Pick<StackConfig, 'stateDir'>) {
  const dir = path.join(config.stateDir, 'auth');
  return { dir, privateKey: path.join(dir, 'signing-key.jwk'), jwks: path.join(dir, 'jwks.json') };
}

/** The AUTH_* variables that make a service accept the dev issuer's tokens. */
export function devAuthEnvironment(config: Pick<StackConfig, 'stateDir'>): Record<string, string> {
  return {
    AUTH_ISSUER: devAuth.issuer,
    AUTH_AUDIENCE: devAuth.audience,
    AUTH_JWKS_FILE: devKeyPaths(config).jwks,
  };
}

/**
 * The dev issuer of this stack: its key pair is generated on first use (private key
 * mode 0600, public JWKS beside it) and read back ever after, so tokens stay valid
 * across restarts. Safe when several processes call it at once: the first file wins.
 */
export async function devIssuer(config: StackConfig): Promise<TokenIssuer> {
  const paths = devKeyPaths(config);
  const { issuer: iss, audience } = devAuth;
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(paths.privateKey, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const fresh = await TokenIssuer.generate(iss, audience);
    try {
      writeFileSync(paths.privateKey, JSON.stringify(fresh.privateJwk), {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
    }
    jwk = JSON.parse(readFileSync(paths.privateKey, 'utf8')) as JWK;
  }
  const issuer = TokenIssuer.fromJwk(iss, audience, jwk);
  // Replaced in one step: a service starting now reads the old file or the new one.
  const temporary = `${paths.jwks}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(issuer.jwks(), null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, paths.jwks);
  return issuer;
}
