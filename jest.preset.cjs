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

const libs = ['events', 'messaging', 'platform', 'testing'];
const moduleNameMapper = {
  // NodeNext sources import './x.js'; Jest resolves the .ts file beside it.
  '^(\\.{1,2}/.*)\\.js$': '$1',
  ...Object.fromEntries(
    libs.map((lib) => [`^@orderflow/${lib}$`, path.join(__dirname, 'libs', lib, 'src', 'index.ts')]),
  ),
};

function tier(rootDir, displayName, extra = {}) {
  return {
    displayName,
    rootDir,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': swc },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper,
    testMatch: [`<rootDir>/**/*.${displayName}.spec.ts`],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...extra,
  };
}

const stackSetup = path.join(__dirname, 'libs', 'testing', 'src', 'jest-global-setup.ts');

module.exports.tiers = (rootDir) => ({
  projects: [
    tier(rootDir, 'unit'),
    tier(rootDir, 'int', { globalSetup: stackSetup, testTimeout: 60_000, slowTestThreshold: 30 }),
    tier(rootDir, 'e2e', { globalSetup: stackSetup, testTimeout: 180_000, slowTestThreshold: 120 }),
  ],
});
