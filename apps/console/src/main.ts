/**
 * The saga console: `npm run console`, or started by `npm run demo` and
 * `npm run stack -- up --with-services`; in a container, its image (the `build`
 * target's bundle, with the page built). Prints its URL once it listens.
 */
import { Kafka, logLevel } from 'kafkajs';
import { parseConfig } from './config.js';
import { DeadLetters } from './dead-letters.js';
import { consoleApp } from './server.js';
import { ServicesClient } from './services-client.js';
import type { TokenProvider } from './services-client.js';
import { prebuiltUi } from './ui-assets.js';

async function main(): Promise<void> {
  const config = parseConfig();
  const client = new ServicesClient({
    ordersUrl: config.ordersUrl,
    serviceUrls: config.serviceUrls,
    jaegerQueryUrl: config.jaegerQueryUrl,
    mailApiUrl: config.mailApiUrl,
    token: await tokens(config.servicesToken, config.ordersUrl),
  });
  const kafka = new Kafka({
    clientId: 'orderflow-console',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
  });
  const { app, close } = consoleApp({
    client,
    deadLetters: new DeadLetters(kafka, config.topicPrefix),
    jaegerUiUrl: config.jaegerUiUrl,
    redrive: config.redrive,
    ui: config.uiDir
      ? await prebuiltUi(config.uiDir)
      : await (await import('./dev.js')).uiFromSources(),
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

/**
 * SERVICES_TOKEN if set; else, for services on this machine, short-lived tokens of the
 * local stack's dev issuer, when the stack has one.
 */
async function tokens(
  given: string | undefined,
  ordersUrl: string,
): Promise<TokenProvider | undefined> {
  if (given) return () => given;
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(ordersUrl)) return undefined;
  return (await import('./dev.js')).devTokens();
}
