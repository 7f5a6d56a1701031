import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchDatabase } from '../infra/databases.js';
import { createDatabase } from '../infra/databases.js';
import { copySchema, postgresBinDir, serviceScript } from '../infra/postgres-tools.js';
import { run } from '../infra/run.js';
import { seed } from '../infra/saga.js';
import type { ServiceName } from '../infra/services.js';
import { serviceNames } from '../infra/services.js';
import { fmt } from '../log.js';
import { median } from '../stats.js';
import {
  combinedCeiling,
  dbBatchSize,
  mirroredCommit,
  parsePgbenchOutput,
  scriptDefines,
} from '../pgbench.js';
import type { BenchContext } from './context.js';
import type { Scenario } from './scenario.js';

/**
 * (d) The database ceiling: pgbench runs each service's SQL for a batch of B orders
 * (tools/bench/pgbench/<service>/: the transactions the service runs for them, each
 * consumer transaction a batch of B records) against a copy of that service's schema
 * on the same Postgres; a script run is B orders, so orders/s = tps × B, and the four
 * together give the orders/s Postgres could carry.
 */
export const dbCeiling: Scenario = {
  id: 'db',
  title: "database ceiling (pgbench, the services' SQL per batch of orders)",
  usesSaga: true,
  async run(ctx: BenchContext) {
    const log = ctx.log('db');
    const { seconds, clients } = ctx.profile.db;
    const saga = await ctx.saga();
    const bin = await postgresBinDir(ctx.stack);
    const scriptsDir = path.join(ctx.benchRoot, 'tools', 'bench', 'pgbench');
    const mirrors =
      mirroredCommit(readFileSync(path.join(scriptsDir, 'README.md'), 'utf8')) ?? 'unknown';
    const measured = ctx.consumerBatch;
    const { batch, source } = dbBatchSize(ctx.options.dbBatch, measured?.mean);
    const perServiceMeans = Object.entries(measured?.perService ?? {})
      .map(([name, mean]) => `${name} ${fmt(mean)}`)
      .join(', ');
    /** Where B comes from, for the figures and the notes. */
    const batchSource =
      source === 'option'
        ? 'given with --db-batch'
        : source === 'measured'
          ? `the services' mean records per consumer transaction at the max sustained rate, ${fmt(measured?.mean)} (${perServiceMeans})`
          : 'the default: no max sustained rate was measured in this run';
    log(`B = ${batch} records per transaction: ${batchSource}`);
    const workDir = path.join(tmpdir(), `${ctx.runId}-pgbench`);
    mkdirSync(workDir, { recursive: true });

    const dbs = {} as Record<ServiceName, BenchDatabase>;
    const drop = ctx.cleanup.add('pgbench databases', async () => {
      await Promise.all(Object.values(dbs).map((d) => d.drop()));
      rmSync(workDir, { recursive: true, force: true });
    });
    try {
      log(`copying the services' schemas (pg_dump --schema-only) for pgbench`);
      for (const name of serviceNames) {
        dbs[name] = await createDatabase(ctx.stack, `${ctx.runId}_pg_${name}`);
        await copySchema(ctx.stack, bin, saga.db[name].name, dbs[name].name);
      }
      await seed(dbs, ctx.profile.catalog);
      const scripts = Object.fromEntries(
        serviceNames.map((name) => {
          const file = path.join(workDir, `${name}.sql`);
          const script = serviceScript(scriptsDir, name, batch);
          writeFileSync(file, script);
          return [name, { file, defines: scriptDefines(script) }];
        }),
      ) as Record<ServiceName, { file: string; defines: [string, string][] }>;

      const perService: Record<ServiceName, number[]> = {
        orders: [],
        payments: [],
        shipping: [],
        notifications: [],
      };
      const tpsPerService: Record<ServiceName, number[]> = {
        orders: [],
        payments: [],
        shipping: [],
        notifications: [],
      };
      const ceilings: (number | undefined)[] = [];
      for (let rep = 1; rep <= ctx.reps; rep++) {
        const rates: number[] = [];
        for (const name of serviceNames) {
          log(
            `rep ${rep}/${ctx.reps}: pgbench ${name} (${clients} clients, ${seconds} s, B = ${batch})`,
          );
          const output = await run(path.join(bin, 'pgbench'), [
            '-h',
            ctx.stack.host,
            '-p',
            String(ctx.stack.postgresPort),
            '-U',
            'orderflow',
            '-n',
            '-M',
            'extended',
            '-c',
            String(clients),
            '-j',
            '2',
            '-T',
            String(seconds),
            ...scripts[name].defines.flatMap(([variable, value]) => ['-D', `${variable}=${value}`]),
            '-f',
            scripts[name].file,
            dbs[name].name,
          ]);
          const result = parsePgbenchOutput(output);
          if (result.tps === undefined || result.error) {
            throw new Error(`pgbench ${name}: ${result.error ?? 'no tps in its output'}`);
          }
          const ordersPerSecond = result.tps * batch;
          log(
            `  ${name}: ${fmt(result.tps)} tps × B ${batch} = ${fmt(ordersPerSecond)} orders/s of its SQL`,
          );
          tpsPerService[name].push(result.tps);
          perService[name].push(ordersPerSecond);
          rates.push(ordersPerSecond);
        }
        ceilings.push(combinedCeiling(rates));
        log(
          `  rep ${rep}: ceiling ${fmt(ceilings.at(-1))} orders/s for the four services on one database`,
        );
      }
      for (const name of serviceNames) {
        ctx.figures.fromValues(
          'db',
          `db.${name}`,
          `pgbench: the SQL of ${name}, batches of B orders`,
          'orders/s',
          perService[name],
          `tps ${fmt(median(tpsPerService[name]))} × B ${batch}`,
        );
      }
      const ceiling = ctx.figures.fromValues(
        'db',
        'db.ceiling',
        'Database ceiling (four services, one Postgres)',
        'orders/s',
        ceilings,
        `at B = ${batch} records per transaction`,
      );
      ctx.figures.fromValues(
        'db',
        'db.batch',
        'pgbench batch size B (records per transaction)',
        'records',
        [batch],
        batchSource,
      );
      const max = ctx.maxSustained;
      if (max !== undefined && ceiling.stat) {
        // Per repetition pair would mix unrelated runs: the share uses the medians.
        ctx.figures.fromValues('db', 'db.share', 'Saga throughput as share of the ceiling', '%', [
          (max / ceiling.stat.median) * 100,
        ]);
      } else {
        ctx.figures.missing(
          'db',
          'db.share',
          'Saga throughput as share of the ceiling',
          '%',
          'n/a: needs the throughput scenario in the same run',
        );
      }
      ctx.details['db'] = {
        clients,
        seconds,
        mirrors,
        batch,
        batchSource: source,
        measuredRecordsPerTransaction: measured ?? null,
        tps: tpsPerService,
        perService,
        ceilings,
      };
      ctx.notes.push(
        `pgbench scripts mirror commit ${mirrors} (tools/bench/pgbench); update them when the services' SQL changes. ` +
          `Each script run is one batch of B orders; B = ${batch}, ${batchSource}; ` +
          "the consumers' transactions carry B records, and the bench gives the placement groups, relay passes and sender passes, " +
          'for which the services report no size, the same B. ' +
          `Each service's script runs alone with ${clients} clients; its orders/s = tps × B, and the ceiling is 1 / Σ(1 / orders/s of each service).`,
      );
    } finally {
      await drop();
    }
  },
};
