#!/usr/bin/env node
/**
 * npm run -s token -- [--scope <scope>[,<scope>…]]… [--customer <id>] [--subject <sub>] [--ttl <seconds>]
 *
 * Prints a bearer token from the local stack's dev issuer (its key pair is made at the
 * first `npm run stack -- up`), which the stack's services accept:
 *
 *   export TOKEN=$(npm run -s token -- --scope orders:write,orders:read --customer c-ada)
 *   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18101/orders
 *
 * Without --scope the token has every scope, orderflow:admin included (sees every customer).
 */
import { parseArgs } from 'node:util';
import { loadStackConfig } from './config.js';
import { allScopes, devIssuer } from './dev-auth.js';

const usage = `usage: npm run -s token -- [--scope <scope>[,<scope>…]]… [--customer <id>] [--subject <sub>] [--ttl <seconds>]

scopes: ${allScopes.join(', ')}
(default: all of them; orderflow:admin sees every customer's data)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scope: { type: 'string', multiple: true },
      customer: { type: 'string' },
      subject: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const scopes = values.scope?.flatMap((s) => s.split(/[ ,]+/)).filter(Boolean) ?? [...allScopes];
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
    throw new Error(`--ttl: whole seconds, not ${values.ttl}`);
  const issuer = await devIssuer(loadStackConfig());
  console.log(
    await issuer.mint({ scopes, customerId: values.customer, subject: values.subject, ttlSeconds }),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`token: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  },
);
