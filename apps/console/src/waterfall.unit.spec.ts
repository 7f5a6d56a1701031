import type { WaterfallSpan } from './waterfall.js';
import { waterfall } from './waterfall.js';

const span = (
  name: string,
  offsetUs: number,
  durationUs: number,
  children: WaterfallSpan[] = [],
) => ({
  spanId: name,
  service: 'orders',
  name,
  offsetUs,
  durationUs,
  sql: { count: 0, durationUs: 0 },
  error: false,
  children,
});

describe('waterfall', () => {
  it('places each span on the time axis of the whole trace, depth first', () => {
    const { rows, totalUs } = waterfall([
      span('root', 0, 100_000, [span('child', 50_000, 150_000, [span('tiny', 60_000, 10)])]),
    ]);
    expect(totalUs).toBe(200_000);
    expect(rows.map((r) => [r.span.name, r.depth, r.leftPct, r.widthPct])).toEqual([
      ['root', 0, 0, 50],
      ['child', 1, 25, 75],
      ['tiny', 2, 30, 0.3],
    ]);
  });

  it('has no rows for an empty trace', () => {
    expect(waterfall([])).toEqual({ rows: [], totalUs: 1 });
  });
});
