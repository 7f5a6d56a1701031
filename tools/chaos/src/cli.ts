import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseOptions, usage } from './options.js';
import { passed, renderReport } from './report.js';
import { runChaos } from './run.js';

/**
 * `npm run chaos -- --orders N --duration S --seed X`: drives the saga while a seeded
 * schedule injects faults, then checks invariants I1–I9 (docs/invariants.md).
 */
async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const result = await runChaos(options);
  const out =
    options.out ??
    path.join(
      import.meta.dirname,
      '..',
      'results',
      `${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${renderReport(result)}\nresult: ${out}\n`);
  return passed(result) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
