/**
 * Commits items in groups, one group at a time: the first item added starts a commit
 * of itself; whatever is added while that commit runs waits and goes into the next
 * one. Under load the groups grow to match the commit time, so the number of
 * transactions stays small without holding an item back for a timer, and each item
 * waits at most for the commit in flight plus its own.
 *
 * After a failed commit nothing more is committed: the items of the failed group and
 * any added later are dropped (for the sender: the rows stay PENDING and are sent
 * again, with the same Message-ID), and `flush` rejects with the error.
 */
export class GroupCommit<T> {
  private waiting: T[] = [];
  private committing: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(private readonly commit: (group: readonly T[]) => Promise<void>) {}

  /** True once a commit failed; the caller should stop producing items. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  add(item: T): void {
    if (this.failure) return;
    this.waiting.push(item);
    this.committing ??= this.drain();
  }

  /** Resolves once every item added so far is committed; rejects if a commit failed. */
  async flush(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.failure) throw this.failure.error;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0 && !this.failure) {
        const group = this.waiting;
        this.waiting = [];
        await this.commit(group);
      }
    } catch (error) {
      this.failure = { error };
      this.waiting = [];
    } finally {
      this.committing = undefined;
    }
  }
}
