import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

/** What a saga's services accept and what its load generator sends. */
export interface BenchAuth {
  /** AUTH_* for the services: the run's own issuer, its public key in a file. */
  env: Record<string, string>;
  /** `Bearer <token>` with every scope, for the one client that places all orders. */
  authorization: string;
}

const issuer = 'https://bench.orderflow.local/';
const audience = 'orderflow-bench';
const scopes =
  'orders:write orders:read payments:read shipping:read notifications:read orderflow:admin';

/**
 * A key pair made for this run (never stored but the public half, in the run's log
 * folder), so that the bench measures the services with token verification on, as
 * deployed. The write rate limit is off: one client sends the whole load on purpose.
 */
export async function benchAuth(logDir: string, ttlSeconds: number): Promise<BenchAuth> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const jwksFile = path.join(logDir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] }));
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ scope: scopes })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject('bench')
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(privateKey);
  return {
    env: {
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: audience,
      AUTH_JWKS_FILE: jwksFile,
      RATE_LIMIT_WRITE_PER_S: '0',
    },
    authorization: `Bearer ${token}`,
  };
}
