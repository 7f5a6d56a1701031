import type { Kafka, KafkaConfig } from 'kafkajs';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { Logger as MessagingLogger } from '@orderflow/messaging';

export function createKafka(options: {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** TLS and SASL (see kafkaSecurity); none for PLAINTEXT. */
  security?: Pick<KafkaConfig, 'ssl' | 'sasl'>;
}): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new KafkaClient({
    clientId: options.clientId,
    brokers: options.brokers,
    ...options.security,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...fields } = entry;
        if (level <= logLevel.ERROR) log.error(fields, message);
        else log.warn(fields, message);
      },
  });
}

/** The messaging library's logger interface over pino. */
export function messagingLogger(logger: Logger): MessagingLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
