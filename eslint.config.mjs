// Flat config: type-checked typescript-eslint rules everywhere, and Nx module
// boundaries so that the architecture is enforced by the linter, not by memory.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const infrastructure = ['kafkajs', '@kafkajs/*', 'pg', 'kysely', 'express', '@opentelemetry/*'];

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
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'],
      bannedExternalImports: infrastructure,
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
    // Domain code inside a service (deciders, saga reactions) is pure: no I/O libraries.
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: infrastructure, message: 'domain code is pure; do I/O in the shell' },
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
