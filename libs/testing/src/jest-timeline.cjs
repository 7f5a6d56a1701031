// One line of the test timeline: the time, the Jest project (its root, relative to the
// working directory) and what happened. Written only when ORDERFLOW_TEST_TIMELINE names
// a file (CI); parallel Jest runs append to the same file. Used by the timeline
// reporter and the global setup.
const { appendFileSync } = require('node:fs');
const path = require('node:path');

function appendTimeline(rootDir, text) {
  const file = process.env.ORDERFLOW_TEST_TIMELINE;
  if (!file) return;
  const project = path.relative(process.cwd(), rootDir) || '.';
  appendFileSync(file, `${new Date().toISOString().slice(11, 19)} ${project} ${text}\n`);
}

module.exports = { appendTimeline };
