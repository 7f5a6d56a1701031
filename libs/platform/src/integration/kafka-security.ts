import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { ConfigError } from '../config.js';

/**
 * How a service authenticates to Kafka. PLAINTEXT (the default, for the local demo)
 * needs nothing else; SASL_SSL needs a user and its password (or a file holding it,
 * e.g. a mounted Kubernetes secret) and, for a broker whose certificate is not signed
 * by a public CA, the CA to trust.
 */
export const kafkaSecurityConfigSchema = z.object({
  KAFKA_SECURITY_PROTOCOL: z.enum(['PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256']).default('scram-sha-512'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: z.string().min(1).optional(),
  /** PEM file of the CA that signed the brokers' certificates; unset: the system's CAs. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
});
export type KafkaSecurityConfig = z.infer<typeof kafkaSecurityConfigSchema>;

/** The kafkajs options for the configured protocol: `ssl` and `sasl`, or nothing. */
export function kafkaSecurity(config: KafkaSecurityConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (config.KAFKA_SECURITY_PROTOCOL === 'PLAINTEXT') return {};
  const username = config.KAFKA_SASL_USERNAME;
  if (!username) throw new ConfigError('KAFKA_SASL_USERNAME: required with SASL_SSL');
  const sasl: SASLOptions = {
    mechanism: config.KAFKA_SASL_MECHANISM,
    username,
    password: saslPassword(config),
  };
  const ca = config.KAFKA_SSL_CA_FILE;
  return { sasl, ssl: ca ? { ca: [readConfigFile('KAFKA_SSL_CA_FILE', ca)] } : true };
}

function saslPassword(config: KafkaSecurityConfig): string {
  const { KAFKA_SASL_PASSWORD: inline, KAFKA_SASL_PASSWORD_FILE: file } = config;
  if (inline && file) {
    throw new ConfigError(
      'KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE: set one of them, not both',
    );
  }
  // A trailing newline is how most tools write a secret file; it is not part of it.
  const password = file ? readConfigFile('KAFKA_SASL_PASSWORD_FILE', file).trimEnd() : inline;
  if (!password) {
    throw new ConfigError(
      'KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE: required with SASL_SSL',
    );
  }
  return password;
}

function readConfigFile(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${file} (${(error as Error).message})`);
  }
}
