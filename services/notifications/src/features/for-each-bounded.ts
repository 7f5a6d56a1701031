/**
 * Runs `task` for each item, at most `limit` at a time, in the items' order of start.
 * No new task starts once `proceed()` answers false (the sender is stopping) or a task
 * has thrown; the tasks already started always run to their end, so nothing is left
 * half-done behind the caller. Resolves when every started task has settled; rejects
 * with the first error, after that.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
  proceed: () => boolean = () => true,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be ≥ 1: ${limit}`);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length && proceed()) {
      // In range (next < items.length); the index type cannot say so.
      const item = items[next] as T;
      next += 1;
      try {
        await task(item);
      } catch (error) {
        if (!failed) firstError = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw firstError;
}
