// Prints, after a failed `npm test`, what failed in a few dozen lines: the failed Nx
// tasks, for each the test files that started and never finished (a hang), the failed
// test cases with their durations (from the timeline reporter), and the first lines of
// each failure as Jest printed it. The full log is long and interleaves two tasks at a
// time; this is what the end of the CI log should say.
//
// usage: node .ci/failure-summary.mjs <test.log> <timeline.log>
import { existsSync, readFileSync } from 'node:fs';

const [logFile, timelineFile] = process.argv.slice(2);
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');
const log = existsSync(logFile) ? plain(readFileSync(logFile, 'utf8')).split('\n') : [];
const timeline = existsSync(timelineFile) ? readFileSync(timelineFile, 'utf8').split('\n') : [];

// Nx lists them after "Failed tasks:" as "- project:target".
const failed = [];
for (let i = log.indexOf('Failed tasks:') + 1; i > 0 && i < log.length; i++) {
  const match = /^\s*-\s+([\w-]+):([\w-]+)/.exec(log[i]);
  if (match) failed.push({ project: match[1], target: match[2] });
  else if (failed.length > 0 && log[i].trim() !== '') break;
}

console.log('\n==== what failed ====');
if (failed.length === 0) console.log('no failed Nx task named in the log; its last lines say more');
for (const { project, target } of failed) {
  console.log(`\n-- ${project}:${target}`);
  // The timeline names files by path; the project's lines are those of its root.
  const root = timeline
    .map((line) => line.split(' ')[1])
    .find((dir) => dir && (dir.endsWith(`/${project}`) || dir === project));
  const own = timeline.filter((line) => root && line.split(' ')[1] === root);
  const started = new Map();
  for (const line of own) {
    const [, , , file, ...rest] = line.split(' ');
    const what = rest.join(' ');
    if (what === 'file start') started.set(file, line);
    if (what.startsWith('file done')) started.delete(file);
  }
  for (const line of started.values()) console.log(`never finished: ${line}`);
  const cases = own.filter((line) => /\s(failed|start): /.test(line));
  // A case that started and has no result line is the one that hung.
  const results = new Set(
    own.filter((l) => / (ok|failed|skipped|pending|todo): /.test(l)).map(caseName),
  );
  for (const line of cases) {
    if (line.includes(' failed: ') || !results.has(caseName(line))) console.log(line);
  }
  const tail = own.slice(-3);
  if (tail.length) console.log(`last timeline lines:\n${tail.join('\n')}`);
  // Jest's failure blocks: "●" headings (not console output) and the lines after them.
  const prefix = `${project}: `;
  const lines = log.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  let shown = 0;
  for (let i = 0; i < lines.length && shown < 40; i++) {
    if (!/^\s*● /.test(lines[i]) || /● Console/.test(lines[i])) continue;
    const block = lines.slice(i, i + 8).filter((l) => l.trim() !== '');
    console.log(block.join('\n'));
    shown += block.length;
  }
  if (lines.length && shown === 0) console.log(`its last lines:\n${lines.slice(-12).join('\n')}`);
}

function caseName(line) {
  return line
    .replace(/^.*? (?:ok|failed|skipped|pending|todo|start): /, '')
    .replace(/ \([\d.]+ s\)$/, '');
}
