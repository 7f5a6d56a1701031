import { kafkaUserEnvironment, loadStackConfig, stackEnvironment } from '../config.js';

describe("a client's Kafka settings", () => {
  const dir = '/tmp/stack-under-test';

  it('are the plaintext defaults unless the stack runs Kafka with --secure', () => {
    const config = loadStackConfig({ ORDERFLOW_STACK_DIR: dir });
    expect(kafkaUserEnvironment(config, 'payments')).toEqual({});
    expect(Object.keys(stackEnvironment(config))).not.toContain('KAFKA_SECURITY_PROTOCOL');
  });

  it('name SASL_SSL, the stack CA and, per user, a password file in the state directory', () => {
    const config = loadStackConfig({ ORDERFLOW_STACK_DIR: dir, ORDERFLOW_KAFKA_SECURE: 'true' });
    expect(kafkaUserEnvironment(config, 'payments')).toEqual({
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SSL_CA_FILE: `${dir}/kafka/secure/ca.pem`,
      KAFKA_SASL_USERNAME: 'payments',
      KAFKA_SASL_PASSWORD_FILE: `${dir}/kafka/secure/payments.password`,
    });
    // What `stack env` prints names no user: each client brings its own.
    expect(stackEnvironment(config)).toMatchObject({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' });
    expect(Object.keys(stackEnvironment(config))).not.toContain('KAFKA_SASL_USERNAME');
  });
});
