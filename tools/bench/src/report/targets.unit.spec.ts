import { Figures } from './figures.js';
import { judgeTargets } from './targets.js';

describe('targets', () => {
  it('marks each target met, missed or n/a from the figures', () => {
    const f = new Figures();
    f.fromValues('throughput', 'throughput.sustained', 'max', 'orders/s', [180, 200, 190]);
    f.fromValues('latency', 'latency.100.p50', 'p50', 'ms', [25]);
    f.missing(
      'latency',
      'latency.100.p99',
      'p99',
      'ms',
      'not run',
      'the saga does not sustain 100/s',
    );
    f.fromValues('relay', 'relay.vsRaw', 'relay/raw', '%', [71]);
    f.fromValues('overload', 'overload.timeout', 'timeouts', 'orders', [0]);
    const rows = new Map(judgeTargets((id) => f.get(id)).map((r) => [r.id, r]));
    expect(rows.get('sustained')).toMatchObject({
      measured: 190,
      status: 'missed',
      note: 'floor of 150/s met',
    });
    expect(rows.get('p50-100')).toMatchObject({ status: 'met' });
    expect(rows.get('p99-100')).toMatchObject({
      status: 'missed',
      note: 'the saga does not sustain 100/s',
    });
    expect(rows.get('relay-raw')?.status).toBe('met');
    expect(rows.get('overload-timeout')?.status).toBe('met');
    expect(rows.get('projection')).toMatchObject({
      status: 'n/a',
      note: 'not measured in this run',
    });
  });

  it('keeps one figure per id, the latest', () => {
    const f = new Figures();
    f.fromValues('db', 'db.share', 'share', '%', [10]);
    f.fromValues('db', 'db.share', 'share', '%', [50]);
    expect(f.all).toHaveLength(1);
    expect(judgeTargets((id) => f.get(id)).find((r) => r.id === 'db-share')?.status).toBe('met');
  });
});
