import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The repository's ESLint configuration, applied to code that breaks each boundary, at
 * the path where it would live. Type information is off (the files do not exist), so
 * only the import rules speak; each case must fail lint with the rule named.
 */
const root = path.resolve(__dirname, '../../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    tseslint.configs.disableTypeChecked,
    { rules: { '@nx/enforce-module-boundaries': 'off' } },
  ],
});

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const domainFile = 'services/payments/src/domain/lint-fixture.ts';
const importBan = '@typescript-eslint/no-restricted-imports';

describe('domain code is pure', () => {
  it.each([
    ["import { sql } from 'kysely';", 'kysely'],
    ["import { Kafka } from 'kafkajs';", 'kafkajs'],
    ["import { Counter } from 'prom-client';", 'prom-client'],
    ["import { readFileSync } from 'node:fs';", 'node:fs'],
    ["import { readFile } from 'fs/promises';", 'fs/promises'],
    ["import { request } from 'node:http';", 'node:http'],
    ["import { handleCommand } from '@orderflow/messaging';", '@orderflow/messaging'],
    ["import { HttpProblem } from '@orderflow/platform';", '@orderflow/platform'],
    ["import { eventTypes } from '@orderflow/events';", '@orderflow/events (a value)'],
  ])('%s fails lint (%s)', async (code) => {
    const messages = await lint(
      domainFile,
      `${code}\nexport const used = [${code.split(' ')[2]}];\n`,
    );
    expect(messages.some((m) => m.startsWith(importBan))).toBe(true);
  });

  it('also in libs/decider', async () => {
    const messages = await lint(
      'libs/decider/src/lint-fixture.ts',
      "import pg from 'pg';\nexport default pg;\n",
    );
    expect(messages.some((m) => m.startsWith(importBan))).toBe(true);
  });

  it('allows the decider core, the generated event types and node:assert', async () => {
    const code = [
      "import { strict } from 'node:assert';",
      "import { assertNever } from '@orderflow/decider';",
      "import type { IntegrationEvent } from '@orderflow/events';",
      'export const check = (e: IntegrationEvent): void => strict.ok(e, String(assertNever));',
      '',
    ].join('\n');
    expect(await lint(domainFile, code)).toEqual([]);
  });
});

describe('application code does not import test or local-stack code', () => {
  it.each([
    ['services/orders/src/features/lint-fixture.ts', '@orderflow/testing'],
    ['services/shipping/src/app.ts', '@orderflow/platform/testing'],
    ['apps/console/src/lint-fixture.ts', '@orderflow/stack'],
  ])('%s importing %s fails lint', async (file, lib) => {
    const messages = await lint(file, `import * as lib from '${lib}';\nexport default lib;\n`);
    expect(messages.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('allows it in specs and test-support', async () => {
    const code = "import { eventually } from '@orderflow/testing';\nexport default eventually;\n";
    expect(await lint('services/orders/src/lint-fixture.int.spec.ts', code)).toEqual([]);
    expect(await lint('services/orders/src/test-support/lint-fixture.ts', code)).toEqual([]);
  });
});
