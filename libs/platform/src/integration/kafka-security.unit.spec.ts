import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kafkaSecurity, kafkaSecurityConfigSchema } from './kafka-security.js';

describe('Kafka client security from the environment', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kafka-security-'));
    writeFileSync(path.join(dir, 'password'), 's3cret\n', { mode: 0o600 });
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (env: Record<string, string>) =>
    kafkaSecurity(kafkaSecurityConfigSchema.parse(env));

  it('adds nothing for PLAINTEXT, the default', () => {
    expect(parse({})).toEqual({});
  });

  it('reads SASL_SSL with SCRAM-SHA-512, the password from a file and the CA to trust', () => {
    expect(
      parse({
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_USERNAME: 'payments',
        KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'password'),
        KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem'),
      }),
    ).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'payments', password: 's3cret' },
      ssl: { ca: ['-----BEGIN CERTIFICATE-----\n'] },
    });
  });

  it('trusts the system CAs when no CA file is given', () => {
    expect(
      parse({
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_USERNAME: 'payments',
        KAFKA_SASL_PASSWORD: 'inline',
      }).ssl,
    ).toBe(true);
  });

  it.each([
    [{}, /KAFKA_SASL_USERNAME/],
    [{ KAFKA_SASL_USERNAME: 'payments' }, /KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE/],
    [
      { KAFKA_SASL_USERNAME: 'payments', KAFKA_SASL_PASSWORD: 'a', KAFKA_SASL_PASSWORD_FILE: 'b' },
      /not both/,
    ],
    [
      { KAFKA_SASL_USERNAME: 'payments', KAFKA_SASL_PASSWORD_FILE: '/nonexistent/password' },
      /KAFKA_SASL_PASSWORD_FILE: cannot read/,
    ],
  ])('names the variable at fault for SASL_SSL with %j', (env, message) => {
    expect(() => parse({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', ...env })).toThrow(message);
  });

  it('never puts the password into its error messages', () => {
    let message = '';
    try {
      parse({
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_USERNAME: 'payments',
        KAFKA_SASL_PASSWORD: 'hunter2',
        KAFKA_SASL_PASSWORD_FILE: 'b',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not both/);
    expect(message).not.toContain('hunter2');
  });

  it('rejects a protocol it does not speak, naming the variable', () => {
    expect(() => kafkaSecurityConfigSchema.parse({ KAFKA_SECURITY_PROTOCOL: 'SSL' })).toThrow(
      /KAFKA_SECURITY_PROTOCOL/,
    );
  });
});
