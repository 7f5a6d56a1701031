import { ConfigError, parseConfig } from '@orderflow/platform';
import { notificationsConfigSchema } from './config.js';

const required = {
  DATABASE_URL: 'postgres://notifications@127.0.0.1:5432/notifications',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  AUTH_ISSUER: 'https://auth.example.com/',
  AUTH_AUDIENCE: 'orderflow',
  AUTH_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
};

describe('notifications config', () => {
  it('sends 8 e-mails at once over at most 4 pooled connections by default', () => {
    expect(parseConfig(notificationsConfigSchema, required)).toMatchObject({
      NOTIFICATION_SEND_CONCURRENCY: 8,
      NOTIFICATION_BATCH_SIZE: 200,
      SMTP_POOL_MAX_CONNECTIONS: 4,
      SMTP_POOL_MAX_MESSAGES: 100,
    });
  });

  it('reads the sender and pool sizes from the environment', () => {
    const config = parseConfig(notificationsConfigSchema, {
      ...required,
      NOTIFICATION_SEND_CONCURRENCY: '16',
      NOTIFICATION_BATCH_SIZE: '500',
      SMTP_POOL_MAX_CONNECTIONS: '2',
      SMTP_POOL_MAX_MESSAGES: '1000',
    });
    expect(config).toMatchObject({
      NOTIFICATION_SEND_CONCURRENCY: 16,
      NOTIFICATION_BATCH_SIZE: 500,
      SMTP_POOL_MAX_CONNECTIONS: 2,
      SMTP_POOL_MAX_MESSAGES: 1000,
    });
  });

  it('refuses sizes below one, naming each variable', () => {
    const parse = () =>
      parseConfig(notificationsConfigSchema, {
        ...required,
        NOTIFICATION_SEND_CONCURRENCY: '0',
        SMTP_POOL_MAX_CONNECTIONS: 'many',
        SMTP_POOL_MAX_MESSAGES: '-1',
      });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/NOTIFICATION_SEND_CONCURRENCY/);
    expect(parse).toThrow(/SMTP_POOL_MAX_CONNECTIONS/);
    expect(parse).toThrow(/SMTP_POOL_MAX_MESSAGES/);
  });
});
