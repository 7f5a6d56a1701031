import path from 'node:path';
import type { Component } from '../component.js';
import { componentPaths } from '../component.js';
import type { StackConfig } from '../config.js';
import { devIssuer } from '../dev-auth.js';
import { typeScriptEntry } from '../process.js';
import { httpOk } from '../readiness.js';
import { workspaceRoot } from '../workspace.js';

/**
 * The saga console (apps/console) as a process: it reads the orders API with a token
 * of the stack's dev issuer, Jaeger, the mail sink and the dead-letter topics, and may
 * redrive them, as this is the local stack.
 */
export function sagaConsole(config: StackConfig): Component {
  const paths = componentPaths(config, 'console');
  const url = `http://${config.host}:${config.ports.console}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    CONSOLE_HOST: config.host,
    CONSOLE_PORT: String(config.ports.console),
    ORDERS_URL: config.endpoints.ordersUrl,
    PAYMENTS_URL: `http://${config.host}:${config.ports.services.payments}`,
    SHIPPING_URL: `http://${config.host}:${config.ports.services.shipping}`,
    NOTIFICATIONS_URL: `http://${config.host}:${config.ports.services.notifications}`,
    JAEGER_QUERY_URL: config.endpoints.jaegerQueryUrl,
    MAIL_API_URL: config.endpoints.mailApiUrl,
    KAFKA_BROKERS: config.endpoints.kafkaBrokers.join(','),
    CONSOLE_REDRIVE: 'true',
  };
  return {
    name: 'console',
    endpoint: url,
    startTimeoutMs: 60_000,
    provision: () => Promise.resolve(),
    async prepare() {
      // Read and place orders for every demo customer, and read what the other services
      // know of an order (an event's details); a week, as long as a stack runs.
      const issuer = await devIssuer(config);
      env['SERVICES_TOKEN'] = await issuer.mint({
        scopes: [
          'orders:read',
          'orders:write',
          'payments:read',
          'shipping:read',
          'notifications:read',
          'orderflow:admin',
        ],
        subject: 'console',
        ttlSeconds: 7 * 24 * 3_600,
      });
    },
    daemon: {
      name: 'console',
      ...typeScriptEntry(path.join(workspaceRoot(), 'apps', 'console', 'src', 'main.ts')),
      env,
      pidFile: paths.pidFile,
      logFile: paths.logFile,
      marker: path.join('apps', 'console', 'src', 'main.ts'),
    },
    ready: () => httpOk(`${url}/healthz`),
  };
}
