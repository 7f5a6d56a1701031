import type { RunResult } from './run.js';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const padL = (s: string | number, n: number) => String(s).padStart(n);

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The result as text tables: orders by outcome, faults by kind, violations, timings. */
export function renderReport(r: RunResult): string {
  const lines: string[] = [];
  const table = (title: string, rows: [string, string | number][]) => {
    lines.push(`${title}`);
    const width = Math.max(...rows.map(([k]) => k.length), 10);
    for (const [k, v] of rows) lines.push(`  ${pad(k, width)}  ${padL(v, 8)}`);
    lines.push('');
  };
  lines.push(
    `chaos: ${r.options.orders} orders over ${r.options.durationS}s, seed ${r.options.seed}, ${r.infrastructure} infrastructure`,
    '',
  );
  table(
    'orders by outcome',
    Object.entries(r.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => [k, v]),
  );
  const kinds = new Map<
    string,
    { n: number; recovery: number[]; ready: number[]; fired: number }
  >();
  for (const f of r.faults) {
    const k =
      f.kind === 'crash-point' ? `crash-point ${f.point}` : f.link ? `${f.kind} ${f.link}` : f.kind;
    const e = kinds.get(k) ?? { n: 0, recovery: [], ready: [], fired: 0 };
    e.n++;
    if (f.recoveryMs !== undefined) e.recovery.push(f.recoveryMs);
    if (f.startToReadyMs !== undefined) e.ready.push(f.startToReadyMs);
    if (f.fired) e.fired++;
    kinds.set(k, e);
  }
  lines.push(
    'faults by kind                        count   fired   consuming again median / max (s)   start to ready median (s)',
  );
  for (const [k, e] of [...kinds].sort(([a], [b]) => a.localeCompare(b))) {
    const m = median(e.recovery);
    const rec =
      m === undefined
        ? ''
        : `${(m / 1000).toFixed(1)} / ${(Math.max(...e.recovery) / 1000).toFixed(1)}`;
    const fired = k.startsWith('crash-point') ? String(e.fired) : '';
    const ready = median(e.ready);
    lines.push(
      `  ${pad(k, 36)}${padL(e.n, 5)}${padL(fired, 8)}   ${pad(rec, 35)}${ready === undefined ? '' : (ready / 1000).toFixed(1)}`,
    );
  }
  lines.push('');
  const ids = ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9'];
  table(
    'violations by invariant',
    ids.map((i) => [i, r.check.byInvariant[i] ?? 0]),
  );
  for (const v of r.check.violations.slice(0, 30))
    lines.push(`  ${v.invariant} ${v.subject}: ${v.message}`);
  if (r.check.violations.length > 30)
    lines.push(`  ... and ${r.check.violations.length - 30} more (see the JSON)`);
  table('run', [
    ['orders accepted', r.load.accepted],
    ['requests retried', r.load.retries],
    ['unexpected answers', r.load.refused.length],
    ['records re-delivered', Object.values(r.check.duplicateRecords).reduce((a, b) => a + b, 0)],
    ['e-mails re-sent under their Message-ID', r.check.resentMails],
    ['load (s)', r.load.seconds.toFixed(0)],
    [
      'quiesce (s)',
      r.quiesceMs === undefined ? `no: ${r.unsettled.join(', ')}` : (r.quiesceMs / 1000).toFixed(1),
    ],
  ]);
  if (r.proxied)
    table(
      "through each service's proxy (KB)",
      Object.entries(r.proxied)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([proxy, bytes]) => [proxy, Math.round(bytes / 1024)]),
    );
  lines.push(passed(r) ? 'PASS: every invariant holds' : 'FAIL');
  return lines.join('\n');
}

/** True when the run proved what it should: settled, and no violation. */
export const passed = (r: RunResult) =>
  r.quiesceMs !== undefined && r.check.violations.length === 0 && r.load.refused.length === 0;
