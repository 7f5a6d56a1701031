// Shared Jest settings. Each project calls `tiers(__dirname)` and gets three Jest
// "projects" selected by file name: unit (pure), int (real infrastructure), e2e
// (services as real processes). The Nx targets pick one with --selectProjects.
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const libs = ['decider', 'events', 'kafka-admin', 'messaging', 'platform', 'telemetry', 'testing'];
const moduleNameMapper = {
  // NodeNext sources import './x.js'; Jest resolves the .ts file beside it.
  '^(\\.{1,2}/.*)\\.js$': '$1',
  ...Object.fromEntries(
    libs.map((lib) => [
      `^@orderflow/${lib}$`,
      path.join(__dirname, 'libs', lib, 'src', 'index.ts'),
    ]),
  ),
  '^@orderflow/platform/testing$': path.join(
    __dirname,
    'libs',
    'platform',
    'src',
    'test-support',
    'index.ts',
  ),
  '^@orderflow/stack$': path.join(__dirname, 'tools', 'stack', 'src', 'index.ts'),
};

function tier(rootDir, displayName, extra = {}) {
  return {
    displayName,
    rootDir,
    testEnvironment: 'node',
    // jose ships ES modules only; Jest's CommonJS runtime needs them compiled.
    transform: { '^.+\\.ts$': swc, '/node_modules/jose/.+\\.js$': swc },
    transformIgnorePatterns: ['/node_modules/(?!jose/)'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper,
    testMatch: [`<rootDir>/**/*.${displayName}.spec.ts`],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...extra,
  };
}

const testing = path.join(__dirname, 'libs', 'testing', 'src');
const withStack = (tierName) => ({
  globalSetup: path.join(testing, 'jest-global-setup.cjs'),
  setupFiles: [path.join(testing, `jest-tier-${tierName}.cjs`)],
});

module.exports.tiers = (rootDir) => ({
  // The timeline reporter writes only when ORDERFLOW_TEST_TIMELINE names a file (CI).
  reporters: ['default', path.join(testing, 'jest-timeline-reporter.cjs')],
  projects: [
    tier(rootDir, 'unit'),
    tier(rootDir, 'int', { ...withStack('int'), slowTestThreshold: 30 }),
    tier(rootDir, 'e2e', { ...withStack('e2e'), slowTestThreshold: 120 }),
    // Fault tests stop and start shared infrastructure (Kafka, Postgres), so they
    // run alone, after every other tier, one file at a time.
    tier(rootDir, 'fault', { ...withStack('e2e'), slowTestThreshold: 120 }),
  ],
});
