// Jest global setup for the int and e2e tiers: reuses a running stack or starts one
// (real Kafka, registry, Postgres, Jaeger) through the same CLI a developer uses.
// `stack up` is idempotent and locked, so parallel Jest runs can all call it.
// ORDERFLOW_TEST_EXTERNAL_STACK=1 skips it, for tests against infrastructure that
// is managed elsewhere (the endpoints then come from the ORDERFLOW_* variables).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { appendTimeline } = require('./jest-timeline.cjs');

module.exports = async function globalSetup(globalConfig) {
  if (process.env.ORDERFLOW_TEST_EXTERNAL_STACK === '1') return;
  const root = path.resolve(__dirname, '..', '..', '..');
  // On the test timeline (jest-timeline.cjs) a start-up that never ends shows, too.
  const mark = (text) => appendTimeline(globalConfig.rootDir, `global setup: ${text}`);
  mark('stack up');
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'tools/stack/src/cli.ts', 'up'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  mark('stack up done');
};
