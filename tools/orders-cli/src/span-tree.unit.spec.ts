import type { JaegerSpan, JaegerTrace } from './span-tree.js';
import { countSpans, formatDuration, renderSpanTree, spanTree } from './span-tree.js';

const t0 = 1_700_000_000_000_000;

function span(
  id: string,
  parent: string | undefined,
  startUs: number,
  durationUs: number,
  name: string,
  extra: Partial<JaegerSpan> = {},
): JaegerSpan {
  return {
    traceID: 'trace-1',
    spanID: id,
    operationName: name,
    references: parent ? [{ refType: 'CHILD_OF', traceID: 'trace-1', spanID: parent }] : [],
    startTime: t0 + startUs,
    duration: durationUs,
    tags: [],
    processID: extra.processID ?? 'p1',
    ...extra,
  };
}

const sql = (id: string, parent: string, startUs: number, durationUs: number): JaegerSpan =>
  span(id, parent, startUs, durationUs, 'pg.query:INSERT', {
    tags: [{ key: 'db.system', value: 'postgresql' }],
  });

const trace: JaegerTrace = {
  traceID: 'trace-1',
  processes: { p1: { serviceName: 'orders' }, p2: { serviceName: 'payments' } },
  spans: [
    // Out of order on purpose: Jaeger returns spans in no particular order.
    span('consume', 'publish', 40_000, 9_000, 'orders.events process', { processID: 'p2' }),
    span('root', undefined, 0, 12_000, 'POST /orders'),
    sql('q1', 'root', 1_000, 2_000),
    sql('q2', 'root', 4_000, 1_500),
    span('publish', 'root', 20_000, 3_000, 'orders.events publish'),
    // A query under a connect span, both SQL: folded into the consumer, counted twice.
    span('connect', 'consume', 41_000, 500, 'pg.connect', {
      processID: 'p2',
      tags: [{ key: 'db.system', value: 'postgresql' }],
    }),
    sql('q3', 'connect', 41_200, 200),
    span('failed', 'consume', 45_000, 100, 'refund', {
      processID: 'p2',
      tags: [{ key: 'otel.status_code', value: 'ERROR' }],
    }),
  ],
};

describe('spanTree', () => {
  it('nests spans under their parents in start order and folds SQL spans into a count', () => {
    const [root, ...others] = spanTree(trace);
    expect(others).toEqual([]);
    expect(root).toMatchObject({
      name: 'POST /orders',
      service: 'orders',
      offsetUs: 0,
      sql: { count: 2, durationUs: 3_500 },
    });
    const publish = root!.children[0]!;
    expect(publish).toMatchObject({ name: 'orders.events publish', offsetUs: 20_000 });
    const consume = publish.children[0]!;
    expect(consume).toMatchObject({ service: 'payments', sql: { count: 2, durationUs: 700 } });
    expect(consume.children.map((c) => [c.name, c.error])).toEqual([['refund', true]]);
    expect(countSpans([root!])).toEqual({
      spans: 4,
      sql: 4,
      services: ['orders', 'payments'],
    });
  });

  it('makes a span whose parent is missing from the trace a root of its own', () => {
    const roots = spanTree({
      ...trace,
      spans: [span('a', undefined, 0, 10, 'a'), span('b', 'gone', 5, 10, 'b')],
    });
    expect(roots.map((r) => r.name)).toEqual(['a', 'b']);
  });
});

describe('renderSpanTree', () => {
  it('prints one indented line per span with offset, duration and the folded SQL', () => {
    expect(renderSpanTree(spanTree(trace))).toEqual([
      '      +0 µs   12.0 ms  orders: POST /orders  [2 SQL spans, 3.5 ms]',
      '   +20.0 ms    3.0 ms    orders: orders.events publish',
      '   +40.0 ms    9.0 ms      payments: orders.events process  [2 SQL spans, 700 µs]',
      '   +45.0 ms    100 µs        payments: refund  ✗ error',
    ]);
  });

  it('formats durations in the unit that reads best', () => {
    expect([formatDuration(999), formatDuration(1_500), formatDuration(2_345_678)]).toEqual([
      '999 µs',
      '1.5 ms',
      '2.35 s',
    ]);
  });
});
