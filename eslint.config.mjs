// Flat config: type-checked typescript-eslint rules everywhere, and Nx module
// boundaries so that the architecture is enforced by the linter, not by memory.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const infrastructure = ['kafkajs', '@kafkajs/*', 'pg', 'kysely', 'express', '@opentelemetry/*'];

// What domain code may not import: I/O libraries, the I/O-bound workspace libraries, and
// Node's I/O modules. (`node:assert` and `node:crypto` stay allowed: they do no I/O.)
const nodeIo = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'dns',
  'tls',
  'worker_threads',
  'cluster',
  'readline',
];
const domainBanned = [
  ...infrastructure,
  'prom-client',
  'nodemailer',
  '@orderflow/*',
  '!@orderflow/decider',
  '!@orderflow/events',
  ...nodeIo.flatMap((m) => [m, `node:${m}`]),
];

// Nx module boundaries: which kinds of project may import which.
const boundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // A service never imports another service; everything shared lives in libs/.
    {
      sourceTag: 'scope:orders',
      onlyDependOnLibsWithTags: ['scope:orders', 'scope:shared'],
    },
    {
      sourceTag: 'scope:payments',
      onlyDependOnLibsWithTags: ['scope:payments', 'scope:shared'],
    },
    {
      sourceTag: 'scope:shipping',
      onlyDependOnLibsWithTags: ['scope:shipping', 'scope:shared'],
    },
    {
      sourceTag: 'scope:notifications',
      onlyDependOnLibsWithTags: ['scope:notifications', 'scope:shared'],
    },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app'] },
    { sourceTag: 'type:testing', notDependOnLibsWithTags: ['type:app'] },
    {
      sourceTag: 'type:infra',
      onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:util'],
    },
    {
      sourceTag: 'type:tool',
      onlyDependOnLibsWithTags: ['type:tool', 'type:contracts', 'type:util'],
    },
    {
      sourceTag: 'type:contracts',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util'],
    },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
    {
      // libs/decider: the pure core every service's domain/ builds on.
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:domain'],
      bannedExternalImports: [...infrastructure, 'prom-client', 'nodemailer'],
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['**/node_modules', '**/dist', '**/coverage', '.nx', '.stack', '**/*.cjs', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Implementations of async interfaces may have nothing to await.
      '@typescript-eslint/require-await': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaries],
    },
  },
  {
    // Domain code (each service's domain/, and libs/decider) is pure: it imports the
    // decider core and the generated event types, nothing that does I/O.
    files: ['services/*/src/domain/**/*.ts', 'libs/decider/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@orderflow/events',
              allowTypeImports: true,
              message: 'domain code uses the generated event types only (import type)',
            },
          ],
          patterns: [{ group: domainBanned, message: 'domain code is pure; do I/O in features/' }],
        },
      ],
    },
  },
  {
    // Application code never ships the test harness or the local-stack CLI.
    files: ['services/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@orderflow/testing', '@orderflow/platform/testing', '@orderflow/stack'],
              message: 'test and local-stack code stays out of the services; use it in specs',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests (and their fixtures) of any project may use the shared test harness.
    files: ['**/*.spec.ts', '**/test-support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { ...boundaries, allow: ['@orderflow/testing'] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
