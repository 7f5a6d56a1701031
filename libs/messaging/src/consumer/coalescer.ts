/**
 * Runs work in groups, one group at a time. What is submitted in the same turn of the
 * event loop goes together; what is submitted while a group runs waits for it and then
 * goes together with everything else that waited, up to `maxItems` (a submission is
 * never split). Each submitter gets the outcome of the run its items went into. No
 * timer holds anything back: the groups grow only while runs take time.
 *
 * The consumer joins the batches of the partitions kafkajs hands it at once (one fetch
 * brings records of several partitions and topics) into one transaction.
 */
export class Coalescer<I, R> {
  /** Each submitter's promise follows the run its items go into. */
  private waiting: { items: readonly I[]; join: (run: Promise<R>) => void }[] = [];
  private draining = false;

  constructor(
    private readonly run: (items: readonly I[]) => Promise<R>,
    private readonly maxItems = Number.POSITIVE_INFINITY,
  ) {}

  submit(items: readonly I[]): Promise<R> {
    return new Promise<R>((join) => {
      this.waiting.push({ items, join });
      if (!this.draining) {
        this.draining = true;
        // After the current turn: the other submissions made with this one join it.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      let count = 0;
      let taken = 0;
      for (const w of this.waiting) {
        if (taken > 0 && count + w.items.length > this.maxItems) break;
        count += w.items.length;
        taken += 1;
      }
      const group = this.waiting.splice(0, taken);
      const run = this.run(group.flatMap((w) => w.items));
      for (const w of group) w.join(run);
      // Its submitters see how it ended; the next group waits only for the end.
      await run.catch(() => undefined);
    }
    this.draining = false;
  }
}
