// A Jest reporter that appends one line per test file and test case, with the time, to
// the file named by ORDERFLOW_TEST_TIMELINE (and does nothing without it). Parallel
// Jest runs append to the same file. When a run fails or hangs on a shared machine,
// this says which test was running, since when, and how long each step took: CI
// prints the failed projects' lines at the end of its log (.ci/run).
const path = require('node:path');
const { appendTimeline } = require('./jest-timeline.cjs');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

class TimelineReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  write(test, text) {
    const tier = test?.context?.config?.displayName?.name ?? '';
    const file = test ? path.relative(process.cwd(), test.path) : '';
    appendTimeline(this.rootDir, `${tier} ${file} ${text}`);
  }

  onRunStart() {
    this.write(undefined, 'run start');
  }

  onTestFileStart(test) {
    this.write(test, 'file start');
  }

  onTestCaseStart(test, info) {
    this.write(test, `  start: ${info.fullName}`);
  }

  onTestCaseResult(test, result) {
    const mark = result.status === 'passed' ? 'ok' : result.status;
    this.write(test, `  ${mark}: ${result.fullName} (${seconds(result.duration ?? 0)})`);
  }

  onTestFileResult(test, result) {
    const { numPassingTests, numFailingTests } = result;
    const failure = result.testExecError ? `; ${result.testExecError.message.split('\n')[0]}` : '';
    this.write(
      test,
      `file done: ${numPassingTests} passed, ${numFailingTests} failed in ${seconds(
        result.perfStats.runtime ?? 0,
      )}${failure}`,
    );
  }

  onRunComplete(_contexts, results) {
    this.write(
      undefined,
      `run done: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ` +
        `${results.numRuntimeErrorTestSuites} files not run to the end`,
    );
  }
}

module.exports = TimelineReporter;
