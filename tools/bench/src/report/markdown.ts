import { fmt } from '../log.js';
import type { CodeInfo, MachineInfo } from '../measure/machine.js';
import type { Figure } from './figures.js';
import type { TargetRow } from './targets.js';

/** Everything a run writes: bench.json holds it all, bench.md the readable part. */
export interface Report {
  startedAt: string;
  durationS: number;
  mode: 'full' | 'quick';
  reps: number;
  seed: number;
  scenarios: string[];
  machine: MachineInfo;
  code: CodeInfo;
  targets: TargetRow[];
  figures: Figure[];
  /** Raw per-scenario data (windows, probes, per-process CPU, …). */
  details: Record<string, unknown>;
  notes: string[];
  /** Scenarios that failed to run, with the error. */
  failures: Record<string, string>;
}

const statusMark = { met: '✅ met', missed: '❌ missed', 'n/a': '— n/a' } as const;

export function targetsTable(rows: readonly TargetRow[]): string {
  const lines = ['| figure | measured (median) | target | status |', '| --- | --- | --- | --- |'];
  for (const r of rows) {
    const measured = r.measured === undefined ? 'n/a' : `${fmt(r.measured)} ${r.unit}`.trim();
    const status = `${statusMark[r.status]}${r.note ? ` (${r.note})` : ''}`;
    lines.push(`| ${r.label} | ${measured} | ${r.target} | ${status} |`);
  }
  return lines.join('\n');
}

export function figuresTable(figures: readonly Figure[]): string {
  const lines = [
    '| scenario | figure | median | min | max | unit | note |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const f of figures) {
    const s = f.stat;
    const cells = s ? [fmt(s.median), fmt(s.min), fmt(s.max)] : ['n/a', '', ''];
    lines.push(
      `| ${f.scenario} | ${f.label} | ${cells.join(' | ')} | ${f.unit} | ${f.note ?? f.unmet ?? ''} |`,
    );
  }
  return lines.join('\n');
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const failures = Object.entries(report.failures);
  return [
    `# orderflow bench, ${report.startedAt}`,
    '',
    `${report.mode} run, ${report.reps} repetition(s), seed ${report.seed}, ${Math.round(report.durationS)} s; ` +
      `scenarios: ${report.scenarios.join(', ')}.`,
    '',
    '## Machine and code',
    '',
    `- machine: ${m.hostname}, ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.kernel}`,
    `- node ${m.node}; ${m.java}; PostgreSQL ${m.postgres}; load average at start ${m.loadAverage.join(' / ')}`,
    `- services measured: ${report.code.root} at ${report.code.rootCommit}`,
    `- bench: ${report.code.benchCommit}`,
    '',
    '## Targets',
    '',
    targetsTable(report.targets),
    '',
    '## All figures',
    '',
    'Medians over the repetitions, with min and max beside.',
    '',
    figuresTable(report.figures),
    '',
    ...(failures.length > 0
      ? ['## Scenarios that failed', '', ...failures.map(([id, e]) => `- ${id}: ${e}`), '']
      : []),
    '## Notes',
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
