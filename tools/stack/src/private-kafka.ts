import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KafkaConfig } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { grantServices } from './components/kafka-acls.js';
import type { KafkaUser } from './components/kafka-security.js';
import { kafkaSecurityPaths, readSecret } from './components/kafka-security.js';
import type { StackConfig } from './config.js';
import { kafkaUserEnvironment, loadStackConfig } from './config.js';
import { down, up } from './stack.js';
import { freePort } from './ports.js';

/** A secure broker of a test's own, beside the shared stack's (which stays PLAINTEXT). */
export interface PrivateSecureKafka {
  readonly config: StackConfig;
  readonly brokers: string[];
  /** The PEM file of the CA that signed the broker's certificate. */
  readonly caFile: string;
  passwordFile(user: KafkaUser): string;
  /** kafkajs settings for `user` (its password and the CA unless overridden). */
  clientConfig(user: KafkaUser, overrides?: { password?: string; ca?: string }): KafkaConfig;
  /** A service's Kafka variables, as `stack up --secure --with-services` sets them. */
  serviceEnvironment(user: KafkaUser): Record<string, string>;
  /** Creates the services' topics under `prefix` and grants each what it may do there. */
  grant(prefix: string): Promise<void>;
  /** Stops the broker and removes its state (keys, passwords, log). */
  stop(): Promise<void>;
}

/**
 * Starts Kafka exactly as `npm run stack -- up kafka --secure` does (the same
 * component: certificates, SCRAM users, ACLs), in a state directory and on ports of
 * its own. The Kafka libraries come from the shared cache.
 */
export async function startPrivateSecureKafka(): Promise<PrivateSecureKafka> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'orderflow-secure-kafka-'));
  const [kafkaPort, controllerPort] = await Promise.all([freePort(), freePort()]);
  const config = loadStackConfig({
    ...process.env,
    ORDERFLOW_STACK_DIR: stateDir,
    ORDERFLOW_KAFKA_PORT: String(kafkaPort),
    ORDERFLOW_KAFKA_CONTROLLER_PORT: String(controllerPort),
    ORDERFLOW_KAFKA_SECURE: 'true',
  });
  const stop = async () => {
    await down(config, ['kafka']);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await up(config, ['kafka']);
  } catch (error) {
    await stop();
    throw error;
  }
  const security = kafkaSecurityPaths(config);
  const brokers = [...config.endpoints.kafkaBrokers];
  const clientConfig: PrivateSecureKafka['clientConfig'] = (user, overrides = {}) => ({
    clientId: `test-${user}`,
    brokers,
    ssl: { ca: [overrides.ca ?? readFileSync(security.caFile, 'utf8')] },
    sasl: {
      mechanism: 'scram-sha-512',
      username: user,
      password: overrides.password ?? readSecret(security.passwordFile(user)),
    },
    logLevel: logLevel.WARN,
  });
  return {
    config,
    brokers,
    caFile: security.caFile,
    passwordFile: (user) => security.passwordFile(user),
    clientConfig,
    serviceEnvironment: (user) => ({
      KAFKA_BROKERS: brokers.join(','),
      ...kafkaUserEnvironment(config, user),
    }),
    grant: (prefix) => grantServices(new Kafka(clientConfig('admin')), prefix),
    stop,
  };
}
