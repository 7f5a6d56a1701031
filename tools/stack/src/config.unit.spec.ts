import { loadStackConfig, stackEnvironment } from './config.js';

describe('stack configuration', () => {
  it('derives every endpoint from the port overrides', () => {
    const config = loadStackConfig({
      ORDERFLOW_KAFKA_PORT: '29092',
      ORDERFLOW_REGISTRY_PORT: '28081',
      ORDERFLOW_POSTGRES_PORT: '25432',
      ORDERFLOW_OTLP_HTTP_PORT: '24318',
      ORDERFLOW_JAEGER_QUERY_PORT: '26686',
      ORDERFLOW_STACK_DIR: '/var/tmp/orderflow-config-test',
    });
    expect(stackEnvironment(config)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:29092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:28081/apis/ccompat/v7',
      DATABASE_URL: 'postgres://orderflow@127.0.0.1:25432/postgres',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:24318',
      JAEGER_QUERY_URL: 'http://127.0.0.1:26686',
      SMTP_URL: 'smtp://127.0.0.1:11025',
      MAIL_API_URL: 'http://127.0.0.1:18025',
      AUTH_ISSUER: 'https://auth.orderflow.local/',
      AUTH_AUDIENCE: 'orderflow',
      AUTH_JWKS_FILE: '/var/tmp/orderflow-config-test/auth/jwks.json',
    });
  });

  it('rejects a port that is not a number or is privileged, naming the variable', () => {
    expect(() => loadStackConfig({ ORDERFLOW_KAFKA_PORT: 'kafka' })).toThrow(
      /ORDERFLOW_KAFKA_PORT/,
    );
    expect(() => loadStackConfig({ ORDERFLOW_POSTGRES_PORT: '80' })).toThrow(
      /ORDERFLOW_POSTGRES_PORT/,
    );
  });
});
