import { PollLoop } from './poll-loop.js';

const hour = 3_600_000;

describe('PollLoop', () => {
  it('runs a pass, and the next one when its wakeable pause is woken', async () => {
    let passes = 0;
    let passed: () => void = () => undefined;
    const nextPass = () => new Promise<void>((resolve) => (passed = resolve));
    let first = nextPass();
    const loop = new PollLoop({
      tick: async () => {
        passes += 1;
        passed();
      },
      pauseMs: () => ({ ms: hour, wakeable: true }),
      onError: () => undefined,
    });
    loop.start();
    await first;
    expect(passes).toBe(1);
    first = nextPass();
    loop.wake();
    await first;
    expect(passes).toBe(2);
    await loop.stop();
  });

  it('ignores wake during a pause that is not wakeable, and stop ends any pause', async () => {
    let passes = 0;
    const errors: unknown[] = [];
    const loop = new PollLoop({
      tick: async () => {
        passes += 1;
        throw new Error('database down');
      },
      pauseMs: () => hour,
      onError: (err) => errors.push(err),
    });
    loop.start();
    await new Promise((resolve) => setImmediate(resolve));
    loop.wake();
    await new Promise((resolve) => setImmediate(resolve));
    await loop.stop();
    expect(passes).toBe(1);
    expect(errors).toEqual([new Error('database down')]);
  });
});
