#!/usr/bin/env node
/**
 * npm run stack -- up|down|status|logs|env [component…]
 *
 * Real Kafka, Apicurio Registry, Postgres and Jaeger on 127.0.0.1, without Docker.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { kafkaListenerOf } from './components/kafka.js';
import { loadStackConfig, stackEnvironment } from './config.js';
import { StackError } from './progress.js';
import { componentNames, components, down, infrastructureNames, status, up } from './stack.js';

const usage = `usage: npm run stack -- <command> [component…]

commands:
  up       provision (first run downloads and builds, minutes) and start; waits until ready
           (the infrastructure by default; --with-services adds the four services and
           the saga console;
           --secure: Kafka speaks SASL_SSL with a user per service and ACLs, see README)
  down     stop what the stack started
  status   show each component's pid, readiness and endpoint (exit 1 if any is not ready)
  logs     print a component's log (add -f to follow)
  env      print the environment variables that point a service or test at this stack

components: ${componentNames.join(', ')}
(up: the infrastructure by default; down and status: everything)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const follow = rest.includes('-f');
  const withServices = rest.includes('--with-services');
  const names = rest.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(componentNames as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new StackError(`unknown component(s): ${unknown.join(', ')}\n\n${usage}`);
  // Secure once started so: status, env and logs follow what is running.
  const base = loadStackConfig();
  const secure =
    rest.includes('--secure') || (command !== 'up' && kafkaListenerOf(base) === 'SASL_SSL');
  const config = secure
    ? loadStackConfig({ ...process.env, ORDERFLOW_KAFKA_SECURE: 'true' })
    : base;

  switch (command) {
    case 'up':
      await up(
        config,
        names.length > 0 ? names : withServices ? componentNames : infrastructureNames,
      );
      return 0;
    case 'down':
      await down(config, names);
      return 0;
    case 'status': {
      const rows = await status(config);
      for (const r of rows) {
        const state = r.ready ? 'ready' : r.pid ? 'starting' : 'stopped';
        console.log(
          `${r.name.padEnd(14)} ${state.padEnd(8)} pid ${String(r.pid ?? '-').padEnd(7)} ${r.endpoint}`,
        );
      }
      // Services are optional; a service that was started must be ready, though.
      const optional = (r: (typeof rows)[number]) =>
        !(infrastructureNames as readonly string[]).includes(r.name) && !r.pid;
      return rows.every((r) => r.ready || optional(r)) ? 0 : 1;
    }
    case 'logs': {
      const name = names[0];
      const c = components(config).find((x) => x.name === name);
      if (!c) throw new StackError(`logs needs one component: ${componentNames.join(', ')}`);
      if (!existsSync(c.daemon.logFile)) throw new StackError(`no log yet at ${c.daemon.logFile}`);
      const tail = spawn('tail', [follow ? '-f' : '-n200', c.daemon.logFile], { stdio: 'inherit' });
      return new Promise((resolve) => tail.on('close', (code) => resolve(code ?? 0)));
    }
    case 'env':
      for (const [k, v] of Object.entries(stackEnvironment(config)))
        console.log(`export ${k}=${v}`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
      console.log(usage);
      return command === undefined ? 1 : 0;
    default:
      throw new StackError(`unknown command '${command}'\n\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StackError) {
      console.error(`stack: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);
