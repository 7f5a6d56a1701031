import { Coalescer } from './coalescer.js';

/** A run that records its items and finishes when the test says so. */
function gatedRuns() {
  const runs: { items: readonly number[]; finish: (error?: Error) => void }[] = [];
  const coalescer = new Coalescer<number, number>(
    (items) =>
      new Promise<number>((resolve, reject) =>
        runs.push({
          items,
          finish: (error) => (error ? reject(error) : resolve(items.length)),
        }),
      ),
    5,
  );
  const started = (n: number) =>
    new Promise<void>(function poll(resolve) {
      if (runs.length >= n) resolve();
      else setImmediate(() => poll(resolve));
    });
  return { coalescer, runs, started };
}

describe('Coalescer', () => {
  it('runs what is submitted in the same turn together', async () => {
    const { coalescer, runs, started } = gatedRuns();
    const outcomes = [coalescer.submit([1, 2]), coalescer.submit([3])];
    await started(1);
    expect(runs.map((r) => r.items)).toEqual([[1, 2, 3]]);
    runs[0]!.finish();
    expect(await Promise.all(outcomes)).toEqual([3, 3]);
  });

  it('lets what arrives during a run wait, then runs it together, one run at a time', async () => {
    const { coalescer, runs, started } = gatedRuns();
    const first = coalescer.submit([1]);
    await started(1);
    const later = [coalescer.submit([2]), coalescer.submit([3, 4])];
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    expect(await first).toBe(1);
    await started(2);
    expect(runs[1]!.items).toEqual([2, 3, 4]);
    runs[1]!.finish();
    expect(await Promise.all(later)).toEqual([3, 3]);
  });

  it('keeps a group within maxItems without splitting a submission', async () => {
    const { coalescer, runs, started } = gatedRuns();
    const outcomes = [
      coalescer.submit([1, 2, 3]),
      coalescer.submit([4, 5, 6]),
      coalescer.submit([7, 8, 9, 10, 11, 12]),
    ];
    await started(1);
    runs[0]!.finish();
    await started(2);
    runs[1]!.finish();
    await started(3);
    runs[2]!.finish();
    expect(runs.map((r) => r.items)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9, 10, 11, 12],
    ]);
    expect(await Promise.all(outcomes)).toEqual([3, 3, 6]);
  });

  it('rejects every submitter of a failed run, and runs the next group', async () => {
    const { coalescer, runs, started } = gatedRuns();
    const failed = [coalescer.submit([1]), coalescer.submit([2])];
    await started(1);
    const next = coalescer.submit([3]);
    runs[0]!.finish(new Error('deadlock detected'));
    for (const outcome of failed) await expect(outcome).rejects.toThrow('deadlock detected');
    await started(2);
    runs[1]!.finish();
    expect(await next).toBe(1);
  });
});
