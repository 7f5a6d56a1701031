import type { WindowFacts } from './judge.js';
import { backlogFlat, backlogRunaway, judgeWindow } from './judge.js';

const sustained: WindowFacts = {
  rate: 100,
  accepted: 1_000,
  refused: 0,
  errors: 0,
  cancelled: 0,
  unfinished: 0,
  p99Ms: 120,
  backlogMid: 12,
  backlogEnd: 14,
  aborted: false,
};

describe('judging a fixed-rate window', () => {
  it('passes a window where everything was confirmed in time and the backlog stayed flat', () => {
    expect(judgeWindow(sustained, { maxP99Ms: 1_000 })).toEqual({ pass: true, reasons: [] });
  });

  it('fails on refusals, cancellations, stragglers, slow p99 or a growing backlog, saying why', () => {
    const verdict = judgeWindow(
      { ...sustained, refused: 3, cancelled: 1, unfinished: 2, p99Ms: 1_500, backlogEnd: 80 },
      { maxP99Ms: 1_000 },
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toEqual([
      '3 refused (429/503)',
      '1 cancelled',
      '2 not terminal after the drain time',
      'p99 1500 ms > 1000 ms',
      'backlog grew from 12 mid-window to 80 at the end',
    ]);
  });

  it('tolerates a little backlog noise', () => {
    expect(backlogFlat(10, 19, 100)).toBe(true);
    expect(backlogFlat(10, 21, 100)).toBe(false);
    expect(backlogFlat(0, 5, 2)).toBe(true);
  });

  it('calls a backlog runaway only when it stays high and keeps growing', () => {
    expect(backlogRunaway([10, 200, 300, 400], 100, 1_000)).toBe(true);
    expect(backlogRunaway([200, 300, 250], 100, 1_000)).toBe(false);
    expect(backlogRunaway([20, 30, 40], 10, 1_000)).toBe(false);
    expect(backlogRunaway([400, 500], 100, 1_000)).toBe(false);
  });
});
