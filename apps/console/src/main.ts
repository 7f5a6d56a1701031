/**
 * The saga console: `npm run console`, or started by `npm run demo` and
 * `npm run stack -- up --with-services`. Prints its URL once it listens.
 */
import { Kafka, logLevel } from 'kafkajs';
import { parseConfig } from './config.js';
import { DeadLetters } from './dead-letters.js';
import { consoleApp } from './server.js';
import { ServicesClient } from './services-client.js';

async function main(): Promise<void> {
  const config = parseConfig();
  const client = new ServicesClient({
    ordersUrl: config.ordersUrl,
    jaegerQueryUrl: config.jaegerQueryUrl,
    mailApiUrl: config.mailApiUrl,
    token: () => config.servicesToken,
  });
  const kafka = new Kafka({
    clientId: 'orderflow-console',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
  });
  const { app, close } = await consoleApp({
    client,
    deadLetters: new DeadLetters(kafka, config.topicPrefix),
    jaegerUiUrl: config.jaegerUiUrl,
    redrive: config.redrive,
  });
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    console.log(`saga console at http://${config.host}:${port}`);
  });
  const stop = () => {
    close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
