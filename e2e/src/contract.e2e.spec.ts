import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { PythonEnv } from '@orderflow/testing';
import { pythonEnv } from '@orderflow/testing';
import type { Saga, ServiceName } from './harness.js';
import { services, startSaga } from './harness.js';

/** Pinned, so that a run tests with the same generator and checks as the last one. */
const schemathesis = 'schemathesis==4.32.5';
/** Generated cases per operation in the fuzzing phase (the other phases add their own). */
const maxExamples = 60;
const seed = 20_260_101;

interface ContractRun {
  service: ServiceName;
  exitCode: number | null;
  cases: number;
  failures: number;
  errors: number;
  output: string;
}

/**
 * The HTTP contract of the four services, checked by schemathesis against each one's
 * /openapi.json with the services running as real processes: requests generated from
 * the document (valid and invalid ones), every check on (status codes, content types,
 * response schemas and headers, valid data accepted and invalid data refused, 405 with
 * Allow, links, bearer authentication not ignored), a fixed seed so that a run repeats.
 */
describe('the HTTP contract of every service, checked by schemathesis', () => {
  let saga: Saga;
  let tool: PythonEnv;
  const runs: ContractRun[] = [];

  beforeAll(async () => {
    [tool, saga] = await Promise.all([
      pythonEnv('schemathesis', [schemathesis]),
      startSaga({ sagaDeadlineMs: 15_000 }),
    ]);
  }, 900_000);

  afterAll(async () => {
    if (runs.length) {
      console.log(
        [
          'schemathesis: cases and failures per service',
          ...runs.map(
            (r) =>
              `  ${r.service.padEnd(14)} ${String(r.cases).padStart(5)} cases  ${r.failures} failures  ${r.errors} errors`,
          ),
          `  ${'total'.padEnd(14)} ${String(runs.reduce((n, r) => n + r.cases, 0)).padStart(5)} cases  ${runs.reduce((n, r) => n + r.failures, 0)} failures`,
        ].join('\n'),
      );
    }
    await saga?.stop();
  });

  it.each(services)(
    '%s honours its OpenAPI document',
    async (service) => {
      const run = await runSchemathesis(tool, service, saga);
      runs.push(run);
      const summary = { exitCode: run.exitCode, failures: run.failures, errors: run.errors };
      // On failure, the report names each failing check, with a curl line to replay it.
      expect({ ...summary, output: summary.exitCode === 0 ? '' : run.output }).toEqual({
        exitCode: 0,
        failures: 0,
        errors: 0,
        output: '',
      });
      expect(run.cases).toBeGreaterThan(0);
    },
    900_000,
  );

  it('generated at least 1,000 cases across the four services', () => {
    expect(runs.map((r) => r.service)).toEqual([...services]);
    expect(runs.reduce((n, r) => n + r.cases, 0)).toBeGreaterThanOrEqual(1_000);
  });
});

function runSchemathesis(tool: PythonEnv, service: ServiceName, saga: Saga): Promise<ContractRun> {
  const args = [
    '--no-color',
    '--config-file',
    path.join(__dirname, 'contract.schemathesis.toml'),
    'run',
    `${saga.url[service]}/openapi.json`,
    // A token with every scope, seeing every customer: the operations answer as
    // documented for it, and the ignored_auth check sends requests without it too.
    '--header',
    `Authorization: ${saga.authorization}`,
    '--checks',
    'all',
    '--mode',
    'all',
    '--max-examples',
    String(maxExamples),
    '--seed',
    String(seed),
    '--workers',
    '1',
    // Report every failing check of an operation, not only the first.
    '--continue-on-failure',
    '--generation-database',
    'none',
    // A busy machine is slow, not wrong: generous timeouts, no speed health check.
    '--request-timeout',
    '60',
    '--wait-for-schema',
    '60',
    '--suppress-health-check',
    'too_slow',
  ];
  const log = createWriteStream(path.join(saga.logDir, `schemathesis-${service}.log`));
  return new Promise((resolve, reject) => {
    const child = spawn(tool.bin('schemathesis'), args, {
      cwd: saga.logDir,
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      log.end();
      resolve({ service, exitCode, output, ...counts(output) });
    });
  });
}

/** The counts in schemathesis' closing summary ("Test cases: 312 generated, 312 passed"). */
function counts(output: string): { cases: number; failures: number; errors: number } {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const errorLines = /^Errors:\n((?: {2}.+\n)+)/m.exec(output)?.[1] ?? '';
  return {
    cases: number(/^ {2}(\d+) generated/m),
    failures: number(/found (\d+) unique failures/),
    errors: [...errorLines.matchAll(/: (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0),
  };
}
