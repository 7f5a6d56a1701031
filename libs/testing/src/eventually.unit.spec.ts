import { eventually } from './eventually.js';

describe('eventually', () => {
  it('retries until the assertion passes and returns its value', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        expect(calls).toBeGreaterThanOrEqual(3);
        return calls;
      },
      2_000,
      1,
    );
    expect(value).toBe(3);
  });

  it('rethrows the last failure once the time is up', async () => {
    let calls = 0;
    await expect(
      eventually(
        () => {
          calls += 1;
          throw new Error(`attempt ${calls}`);
        },
        30,
        5,
      ),
    ).rejects.toThrow(/^attempt \d+$/);
    expect(calls).toBeGreaterThan(1);
  });
});
