import { testAuth, testIssuer, testToken, TokenIssuer } from '@orderflow/testing';
import type { Authenticator, Principal } from './auth.js';
import {
  customerFilter,
  hasScopes,
  jwtAuthenticator,
  maySee,
  unauthenticated,
  VerifiedTokens,
} from './auth.js';
import type { HttpProblem } from './problem.js';

describe('jwtAuthenticator', () => {
  let auth: Authenticator;

  beforeAll(async () => {
    auth = jwtAuthenticator({
      issuer: testAuth.issuer,
      audience: testAuth.audience,
      keys: { jwks: (await testIssuer()).jwks() },
      clockToleranceSeconds: 30,
    });
  });

  const refusal = async (authorization: string | undefined) => {
    const problem = (await auth
      .authenticate(authorization)
      .catch((e: unknown) => e)) as HttpProblem;
    return { status: problem.status, challenge: problem.headers['WWW-Authenticate'] };
  };

  it('reads the scopes and the customer of a valid token', async () => {
    const principal = await auth.authenticate(
      `Bearer ${await testToken(['orders:read'], 'c-ada')}`,
    );
    expect(principal).toEqual({
      subject: 'c-ada',
      scopes: new Set(['orders:read']),
      sees: { allCustomers: false, customerId: 'c-ada' },
    });
    expect(hasScopes(principal, ['orders:read'])).toBe(true);
    expect(hasScopes(principal, ['orders:read', 'orders:write'])).toBe(false);
    expect([
      maySee(principal, 'c-ada'),
      maySee(principal, 'c-bob'),
      maySee(principal, null),
    ]).toEqual([true, false, false]);
    expect(customerFilter(principal)).toBe('c-ada');
  });

  it('acts for the subject when the token names no customer; the admin scope sees everyone', async () => {
    const own = await auth.authenticate(
      `Bearer ${await testToken(['orders:read'], undefined, { subject: 'c-sub' })}`,
    );
    expect(own.sees).toEqual({ allCustomers: false, customerId: 'c-sub' });
    const admin = await auth.authenticate(`Bearer ${await testToken('all', 'c-ada')}`);
    expect(admin.sees).toEqual({ allCustomers: true });
    expect(customerFilter(admin)).toBeUndefined();
  });

  it('tolerates a clock skew within the tolerance only', async () => {
    const justExpired = await testToken(['orders:read'], 'c-ada', { ttlSeconds: -10 });
    await expect(auth.authenticate(`Bearer ${justExpired}`)).resolves.toBeDefined();
    const expired = await testToken(['orders:read'], 'c-ada', { ttlSeconds: -60 });
    expect(await refusal(`Bearer ${expired}`)).toEqual({
      status: 401,
      challenge:
        'Bearer realm="orderflow", error="invalid_token", error_description="the token has expired"',
    });
  });

  it('answers 401, with the RFC 6750 challenge, whatever is wrong with the credentials', async () => {
    const stranger = await TokenIssuer.generate(testAuth.issuer, testAuth.audience);
    const cases = {
      none: undefined,
      basic: 'Basic dXNlcjpwYXNz',
      malformed: 'Bearer not a token',
      garbage: 'Bearer abc.def.ghi',
      issuer: `Bearer ${await testToken('all', 'c', { issuer: 'https://evil.test/' })}`,
      audience: `Bearer ${await testToken('all', 'c', { audience: 'another-api' })}`,
      signature: `Bearer ${await stranger.mint({ scopes: ['orders:read'], customerId: 'c' })}`,
    };
    const seen: Record<string, { status: number; challenge: string | undefined }> =
      Object.fromEntries(
        await Promise.all(
          Object.entries(cases).map(async ([k, v]) => [k, await refusal(v)] as const),
        ),
      );
    expect(seen['none']).toEqual({ status: 401, challenge: 'Bearer realm="orderflow"' });
    expect(seen['basic']).toEqual({ status: 401, challenge: 'Bearer realm="orderflow"' });
    for (const k of ['malformed', 'garbage', 'issuer', 'audience', 'signature']) {
      expect({ k, ...seen[k] }).toEqual({
        k,
        status: 401,
        challenge: expect.stringMatching(
          /^Bearer realm="orderflow", error="invalid_token"/,
        ) as unknown,
      });
    }
  });

  it('lets everyone do everything when authentication is disabled', async () => {
    const anyone = await unauthenticated.authenticate(undefined);
    expect(hasScopes(anyone, ['orders:write'])).toBe(true);
    expect(maySee(anyone, 'c-bob')).toBe(true);
  });
});

describe('VerifiedTokens', () => {
  const ada: Principal = {
    subject: 'c-ada',
    scopes: new Set(['orders:write']),
    sees: { allCustomers: false, customerId: 'c-ada' },
  };
  const t0 = 1_700_000_000_000;

  it('keeps a verified token until its exp, when that comes first', () => {
    const tokens = new VerifiedTokens(60);
    tokens.remember('token-a', ada, t0 / 1000 + 10, t0);
    expect(tokens.get('token-a', t0 + 9_999)).toBe(ada);
    expect(tokens.get('token-a', t0 + 10_000)).toBeUndefined();
    expect(tokens.get('token-b', t0)).toBeUndefined();
  });

  it('keeps it for the window at most, however late its exp', () => {
    const tokens = new VerifiedTokens(60);
    tokens.remember('token-a', ada, t0 / 1000 + 3_600, t0);
    expect(tokens.get('token-a', t0 + 59_999)).toBe(ada);
    expect(tokens.get('token-a', t0 + 60_000)).toBeUndefined();
  });

  it('never keeps an expired token, and drops the least recently used when full', () => {
    const tokens = new VerifiedTokens(60, 2);
    tokens.remember('expired', ada, t0 / 1000 - 1, t0);
    expect(tokens.get('expired', t0)).toBeUndefined();
    tokens.remember('a', ada, t0 / 1000 + 600, t0);
    tokens.remember('b', ada, t0 / 1000 + 600, t0);
    expect(tokens.get('a', t0)).toBe(ada);
    tokens.remember('c', ada, t0 / 1000 + 600, t0);
    expect([tokens.get('a', t0), tokens.get('b', t0), tokens.get('c', t0)]).toEqual([
      ada,
      undefined,
      ada,
    ]);
  });
});
