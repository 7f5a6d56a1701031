import { batchDelta, meanBatch } from './batch-records.js';
import { parseProcStat } from './cpu.js';
import { parseProducerPerformance } from './producers.js';

describe('/proc/<pid>/stat', () => {
  it('reads ppid and utime+stime+cutime+cstime, even with spaces and parentheses in the name', () => {
    const line =
      '1234 (node (worker) x) S 1 1234 1234 0 -1 4194560 500 0 0 0 150 50 7 3 20 0 11 0 100 1000 50';
    expect(parseProcStat(line)).toEqual({ ppid: 1, ticks: 150 + 50 + 7 + 3 });
  });
});

describe('ProducerPerformance output', () => {
  it('takes the final summary line', () => {
    const out = [
      '249841 records sent, 49968.2 records/sec (12.20 MB/sec), 300.1 ms avg latency, 500.0 ms max latency.',
      '500000 records sent, 81566.1 records/sec (19.91 MB/sec), 290.44 ms avg latency, 612.00 ms max latency, 280 ms 50th.',
    ].join('\n');
    expect(parseProducerPerformance(out)).toBe(81566.1);
    expect(parseProducerPerformance('Exception in thread main')).toBeUndefined();
  });
});

describe('consumer batch sizes', () => {
  it('takes the difference of two scrapes, and a restarted service from zero', () => {
    const before = { orders: { sum: 100, count: 50 }, payments: { sum: 40, count: 20 } };
    const after = {
      orders: { sum: 160, count: 60 },
      payments: { sum: 5, count: 2 },
      shipping: { sum: 30, count: 10 },
    };
    expect(batchDelta(after, before)).toEqual({
      orders: { sum: 60, count: 10 },
      payments: { sum: 5, count: 2 },
      shipping: { sum: 30, count: 10 },
    });
  });

  it('averages records per transaction over windows, overall and per service', () => {
    const result = meanBatch([
      { orders: { sum: 60, count: 10 }, notifications: { sum: 0, count: 0 } },
      { orders: { sum: 20, count: 10 }, payments: { sum: 40, count: 10 } },
    ]);
    expect(result.perService).toEqual({ orders: 4, payments: 4 });
    expect(result.mean).toBeCloseTo(120 / 30);
    expect(result.transactions).toBe(30);
    expect(meanBatch([]).mean).toBeUndefined();
  });
});
