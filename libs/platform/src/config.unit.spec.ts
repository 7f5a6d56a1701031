import { z } from 'zod';
import { ConfigError, env, parseConfig } from './config.js';

const schema = z.object({
  PORT: env.port(3000),
  KAFKA_BROKERS: env.list(),
  DATABASE_URL: env.url(),
  LOG_LEVEL: env.logLevel(),
});

describe('parseConfig', () => {
  it('parses, applies defaults and freezes', () => {
    const config = parseConfig(schema, {
      KAFKA_BROKERS: 'a:1, b:2',
      DATABASE_URL: 'postgres://x@y/z',
    });
    expect(config).toEqual({
      PORT: 3000,
      KAFKA_BROKERS: ['a:1', 'b:2'],
      DATABASE_URL: 'postgres://x@y/z',
      LOG_LEVEL: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every variable at fault, and says which are missing', () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: '99999', DATABASE_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^ {2}PORT: /m);
    expect(message).toMatch(/^ {2}KAFKA_BROKERS: .*\(not set\)$/m);
    expect(message).toMatch(/^ {2}DATABASE_URL: /m);
    expect(message).not.toMatch(/LOG_LEVEL/);
  });
});
