/**
 * The saga console: `npm run console`, or started by `npm run demo` and
 * `npm run stack -- up --with-services`. Prints its URL once it listens.
 */
import { existsSync } from 'node:fs';
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
    token: devTokenFallback(config.servicesToken, config.ordersUrl),
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

/**
 * SERVICES_TOKEN if set; else, for services on this machine, short-lived tokens of the
 * local stack's dev issuer (what `npm run token` prints), when the stack has one.
 */
function devTokenFallback(given: string | undefined, ordersUrl: string) {
  if (given) return () => Promise.resolve(given);
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(ordersUrl)) return undefined;
  let cached: { token: string; until: number } | undefined;
  return async (): Promise<string | undefined> => {
    if (cached && cached.until > Date.now()) return cached.token;
    const { allScopes, devIssuer, devKeyPaths, loadStackConfig } = await import('@orderflow/stack');
    const config = loadStackConfig();
    if (!existsSync(devKeyPaths(config).privateKey)) return undefined;
    const issuer = await devIssuer(config);
    const token = await issuer.mint({ scopes: allScopes, subject: 'console', ttlSeconds: 300 });
    cached = { token, until: Date.now() + 240_000 };
    return token;
  };
}
