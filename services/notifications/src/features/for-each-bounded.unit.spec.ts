import { forEachBounded } from './for-each-bounded.js';

/** A task whose runs the test settles by hand, recording how many overlap. */
function manualTasks() {
  const open = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const started: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const task = (item: number) =>
    new Promise<void>((resolve, reject) => {
      started.push(item);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => (inFlight -= 1);
      open.set(item, {
        resolve: () => (done(), resolve()),
        reject: (e) => (done(), reject(e)),
      });
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { task, open, started, tick, maxInFlight: () => maxInFlight };
}

describe('forEachBounded', () => {
  it('runs every item, never more than the limit at once, starting them in order', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let max = 0;
    await forEachBounded([...Array(50).keys()], 4, async (i) => {
      inFlight += 1;
      max = Math.max(max, inFlight);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      seen.push(i);
      inFlight -= 1;
    });
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(max).toBe(4);
  });

  it('starts the next item as soon as one finishes, not when a whole wave is done', async () => {
    const t = manualTasks();
    const run = forEachBounded([0, 1, 2, 3], 2, t.task);
    await t.tick();
    expect(t.started).toEqual([0, 1]);
    t.open.get(1)!.resolve();
    await t.tick();
    expect(t.started).toEqual([0, 1, 2]);
    t.open.get(0)!.resolve();
    t.open.get(2)!.resolve();
    await t.tick();
    t.open.get(3)!.resolve();
    await run;
    expect(t.maxInFlight()).toBe(2);
  });

  it('starts nothing new once proceed() says no, and waits for the tasks in flight', async () => {
    const t = manualTasks();
    let proceed = true;
    let settled = false;
    const run = forEachBounded([0, 1, 2, 3, 4], 2, t.task, () => proceed).then(
      () => (settled = true),
    );
    await t.tick();
    proceed = false;
    t.open.get(0)!.resolve();
    await t.tick();
    expect(settled).toBe(false); // item 1 is still in flight
    t.open.get(1)!.resolve();
    await run;
    expect(t.started).toEqual([0, 1]);
  });

  it('after a failure starts nothing new, lets the others finish, then rejects with it', async () => {
    const t = manualTasks();
    let settled = false;
    const run = forEachBounded([0, 1, 2, 3], 2, t.task).finally(() => (settled = true));
    await t.tick();
    t.open.get(0)!.reject(new Error('database down'));
    await t.tick();
    expect(t.started).toEqual([0, 1]);
    expect(settled).toBe(false);
    t.open.get(1)!.resolve();
    await expect(run).rejects.toThrow('database down');
  });

  it('does nothing for no items, and refuses a limit below one', async () => {
    await expect(forEachBounded([], 3, () => Promise.reject(new Error('no')))).resolves.toBe(
      undefined,
    );
    await expect(forEachBounded([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
