import { Figures } from './figures.js';
import { figuresTable, targetsTable } from './markdown.js';
import { judgeTargets } from './targets.js';

describe('report tables', () => {
  it('shows every target with its status, and n/a for what was not measured', () => {
    const f = new Figures();
    f.fromValues(
      'projection',
      'projection.rate',
      'rebuild',
      'events/s',
      [61_234.5, 58_000, 70_000],
    );
    const table = targetsTable(judgeTargets((id) => f.get(id)));
    expect(table).toContain(
      '| Projection rebuild | 61,235 events/s | ≥ 50,000 events/s | ✅ met |',
    );
    expect(table).toContain(
      '| Tracing cost (throughput lost with tracing on, from CPU per order) | n/a | ≤ 15% | — n/a (not measured in this run) |',
    );
  });

  it('puts min and max beside each median, and the reason beside a missing figure', () => {
    const f = new Figures();
    f.fromValues('relay', 'relay.rate', 'Outbox relay', 'events/s', [2_000, 1_500, 2_500]);
    f.missing('latency', 'latency.200.p99', 'p99 at 200/s', 'ms', 'not run: above the max');
    const table = figuresTable(f.all);
    expect(table).toContain('| relay | Outbox relay | 2,000 | 1,500 | 2,500 | events/s |  |');
    expect(table).toContain('| latency | p99 at 200/s | n/a |  |  | ms | not run: above the max |');
  });
});
