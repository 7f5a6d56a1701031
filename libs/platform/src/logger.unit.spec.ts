import { Writable } from 'node:stream';
import { createLogger, maskUrlCredentials } from './logger.js';

/** A logger whose lines land in an array, written synchronously. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'test', level: 'info', destination });
  return { logger, text: () => lines.join('\n') };
}

const secret = 's3cr3t-Pa55';
const url = `postgres://orders_app:${secret}@db.internal:5432/orders`;

describe('log lines carry no secret', () => {
  it('masks the password of a URL with credentials, wherever it appears', () => {
    const { logger, text } = capture();
    const error = new Error(`could not connect to ${url}`);
    logger.error({ err: error }, `start-up failed for ${url}`);
    logger.warn({ target: { url, attempts: [url] } }, 'retrying');
    logger.info('connecting to %s', url);

    expect(text()).not.toContain(secret);
    expect(text()).toContain('postgres://orders_app:***@db.internal:5432/orders');
    const first = JSON.parse(text().split('\n')[0] ?? '{}') as {
      msg: string;
      err: { message: string; stack: string; type: string };
    };
    expect(first.err.type).toBe('Error');
    expect(first.err.message).toBe(
      'could not connect to postgres://orders_app:***@db.internal:5432/orders',
    );
    expect(first.err.stack).not.toContain(secret);
  });

  it('redacts fields that hold secrets by name', () => {
    const { logger, text } = capture();
    logger.info(
      {
        password: secret,
        connectionString: 'host=db user=orders password=x',
        connection: { connectionString: 'host=db password=y', password: secret },
        headers: { authorization: `Bearer ${secret}` },
        config: { DATABASE_URL: 'postgres://db/orders', DATABASE_MIGRATION_URL: 'x' },
      },
      'connected',
    );
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({
      password: '[redacted]',
      connectionString: '[redacted]',
      connection: { connectionString: '[redacted]', password: '[redacted]' },
      headers: { authorization: '[redacted]' },
      config: { DATABASE_URL: '[redacted]', DATABASE_MIGRATION_URL: '[redacted]' },
    });
  });

  it('leaves URLs without credentials, and text that only looks alike, as they are', () => {
    expect(maskUrlCredentials('http://registry:8080/apis and user@example.com')).toBe(
      'http://registry:8080/apis and user@example.com',
    );
    expect(maskUrlCredentials('smtps://mailer:pw@smtp.example.com:465')).toBe(
      'smtps://mailer:***@smtp.example.com:465',
    );
  });
});
