import type { TokenIssuer, TokenRequest } from '@orderflow/stack';
import { allScopes, TokenIssuer as Issuer } from '@orderflow/stack';

/** The issuer and audience services under test accept (see `testAuthConfig`). */
export const testAuth = {
  issuer: 'https://issuer.orderflow.test/',
  audience: 'orderflow-test',
} as const;

export { allScopes, Issuer as TokenIssuer };

let issuer: Promise<TokenIssuer> | undefined;

/** This test process's token issuer: a fresh key pair, never written anywhere but a test's JWKS. */
export function testIssuer(): Promise<TokenIssuer> {
  issuer ??= Issuer.generate(testAuth.issuer, testAuth.audience);
  return issuer;
}

/**
 * A bearer token from the test issuer: `testToken('all')` may do everything and sees
 * every customer; `testToken(['orders:read'], 'c-ada')` reads c-ada's orders only.
 */
export async function testToken(
  scopes: readonly string[] | 'all',
  customerId?: string,
  overrides: Omit<TokenRequest, 'scopes' | 'customerId'> = {},
): Promise<string> {
  return (await testIssuer()).mint({
    scopes: scopes === 'all' ? allScopes : scopes,
    customerId,
    ...overrides,
  });
}

/** The Authorization header of `testToken(scopes, customerId)`. */
export async function bearer(
  scopes: readonly string[] | 'all' = 'all',
  customerId?: string,
): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await testToken(scopes, customerId)}` };
}
