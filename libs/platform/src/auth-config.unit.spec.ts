import { z } from 'zod';
import { authConfigSchema, requireAuth } from './auth-config.js';
import { ConfigError, parseConfig } from './config.js';

const schema = requireAuth(z.object({ ...authConfigSchema.shape }));
const complete = {
  AUTH_ISSUER: 'https://auth.example.com/',
  AUTH_AUDIENCE: 'orderflow',
  AUTH_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
};

function problems(env: Record<string, string>): string {
  try {
    parseConfig(schema, env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('auth settings', () => {
  it('refuses to start without them, naming each variable and the way out', () => {
    const message = problems({});
    expect(message).toMatch(/^ {2}AUTH_ISSUER: required unless AUTH_DISABLED=true \(not set\)$/m);
    expect(message).toMatch(/^ {2}AUTH_AUDIENCE: required unless AUTH_DISABLED=true/m);
    expect(message).toMatch(/^ {2}AUTH_JWKS_URL: this or AUTH_JWKS_FILE is required/m);
  });

  it('takes one key set, not two', () => {
    expect(problems({ ...complete, AUTH_JWKS_FILE: '/etc/jwks.json' })).toMatch(
      /AUTH_JWKS_FILE: set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both/,
    );
  });

  it('parses a complete set with small defaults', () => {
    expect(parseConfig(schema, complete)).toEqual({
      ...complete,
      AUTH_DISABLED: false,
      AUTH_CLOCK_TOLERANCE_S: 30,
      RATE_LIMIT_WRITE_PER_S: 10,
    });
  });

  it('starts without them only when told so explicitly', () => {
    expect(parseConfig(schema, { AUTH_DISABLED: 'true' }).AUTH_DISABLED).toBe(true);
    expect(problems({ AUTH_DISABLED: 'false' })).toMatch(/AUTH_ISSUER/);
  });
});
