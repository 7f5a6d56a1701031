/**
 * npm run bench [-- --quick] [--only a,b] [--reps N] [--root DIR] [--out DIR] [--reference] [--seed N] [--db-batch N]
 *
 * The project's benchmark on the native stack (npm run stack -- up): starts its own
 * four service processes on fresh databases and topics, measures the scenarios of
 * architecture.md §8, and writes bench.json + bench.md under tools/bench/results/.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanup } from './infra/cleanup.js';
import { adminQuery } from './infra/databases.js';
import { stackEndpoints } from './infra/stack.js';
import { log } from './log.js';
import { codeInfo, machineInfo } from './measure/machine.js';
import { parseOptions, usage } from './options.js';
import { profileFor } from './profile.js';
import type { Report } from './report/markdown.js';
import { targetsTable } from './report/markdown.js';
import { judgeTargets } from './report/targets.js';
import { timestampFolder, writeReference, writeResults } from './report/write.js';
import { BenchContext } from './scenarios/context.js';
import { scenarios } from './scenarios/index.js';
import { standingNotes } from './scenarios/notes.js';

const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv, benchRoot);
  if (options.help) {
    console.log(usage);
    return 0;
  }
  options.root = path.resolve(options.root);
  const stack = stackEndpoints();
  await adminQuery(stack, 'select 1').catch((error: unknown) => {
    throw new Error(
      `the stack's Postgres does not answer (${String(error)}); run \`npm run stack -- up\` first`,
    );
  });
  const cleanup = new Cleanup();
  cleanup.exitOnSignals();
  const started = new Date();
  const runId = `bench_${timestampFolder(started).replace(/\D/g, '').slice(2)}_${randomBytes(2).toString('hex')}`;
  const ctx = new BenchContext(
    options,
    profileFor(options.quick),
    stack,
    cleanup,
    runId,
    benchRoot,
  );
  const machine = await machineInfo(stack);
  const code = codeInfo(options.root, benchRoot);
  const chosen = scenarios.filter((s) => options.only.includes(s.id));
  log(
    'bench',
    `${options.quick ? 'quick' : 'full'} run ${runId}: ${chosen.map((s) => s.id).join(', ')}; ${options.reps} rep(s)`,
  );
  log(
    'bench',
    `measuring ${options.root} at ${code.rootCommit}; load average ${machine.loadAverage.join(' ')}`,
  );

  const failures: Record<string, string> = {};
  try {
    for (const [i, scenario] of chosen.entries()) {
      if (cleanup.interrupted) break;
      log('bench', `== ${i + 1}/${chosen.length} ${scenario.id}: ${scenario.title}`);
      const t0 = Date.now();
      try {
        await scenario.run(ctx);
        log('bench', `   ${scenario.id} done in ${Math.round((Date.now() - t0) / 1000)} s`);
      } catch (error) {
        failures[scenario.id] = error instanceof Error ? error.message : String(error);
        log('bench', `   ${scenario.id} FAILED: ${failures[scenario.id]}`);
      }
      if (!chosen.slice(i + 1).some((s) => s.usesSaga)) await ctx.stopSaga();
    }
  } finally {
    log('bench', 'stopping services and dropping databases');
    await cleanup.runAll();
  }

  const report: Report = {
    startedAt: started.toISOString(),
    durationS: (Date.now() - started.getTime()) / 1000,
    mode: options.quick ? 'quick' : 'full',
    reps: options.reps,
    seed: options.seed,
    scenarios: chosen.map((s) => s.id),
    machine,
    code,
    targets: judgeTargets((id) => ctx.figures.get(id)),
    figures: ctx.figures.all,
    details: ctx.details,
    notes: [...standingNotes(ctx, machine), ...ctx.notes],
    failures,
  };
  const out = options.out
    ? path.resolve(options.out)
    : path.join(benchRoot, 'tools', 'bench', 'results', timestampFolder(started));
  const written = await writeResults(out, report);
  if (options.reference) written.push(...(await writeReference(benchRoot, report)));
  console.log(`\n${targetsTable(report.targets)}\n`);
  log('bench', `done in ${Math.round(report.durationS)} s; wrote ${written.join(', ')}`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
