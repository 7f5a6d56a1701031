import type { WindowFacts } from './judge.js';
import { backlogFlat, backlogLevels, backlogRunaway, judgeWindow } from './judge.js';

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

  it('names what the failed requests said', () => {
    const verdict = judgeWindow(
      { ...sustained, errors: 2, errorSamples: ['socket hang up', 'HTTP 500'] },
      { maxP99Ms: 1_000 },
    );
    expect(verdict).toEqual({
      pass: false,
      reasons: ['2 failed requests (socket hang up; HTTP 500)'],
    });
    expect(judgeWindow({ ...sustained, errors: 1 }, { maxP99Ms: 1_000 }).reasons).toEqual([
      '1 failed requests',
    ]);
  });

  it('takes the backlog mid-window and at the end as the means of three samples', () => {
    // The swings of a saga at 25/s that single samples judged as growth (6 → 16).
    expect(backlogLevels([3, 9, 6, 14, 8, 4, 16, 7])).toEqual({ mid: 9.3, end: 9 });
    expect(backlogFlat(9.3, 9, 25)).toBe(true);
    // Real growth still shows.
    expect(backlogLevels([2, 5, 9, 14, 20, 27, 33, 40])).toEqual({ mid: 14.3, end: 33.3 });
    expect(backlogFlat(14.3, 33.3, 25)).toBe(false);
    // Short windows: as many samples as half of them.
    expect(backlogLevels([4, 8])).toEqual({ mid: 4, end: 8 });
    expect(backlogLevels([])).toEqual({ mid: 0, end: 0 });
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
