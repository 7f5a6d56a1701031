import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { Logger } from '../types.js';

export type CommitOffsets = (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;

/**
 * The consumer's committed offsets, written at most once per `intervalMs` instead of
 * once per batch. kafkajs commits after every batch it hands over; at a steady rate
 * most batches hold one or two records, so that is an OffsetCommit request (and a write
 * to `__consumer_offsets`) for nearly every record.
 *
 * Committing less often loses nothing: an offset is only ever resolved here after its
 * record's transaction has committed, so the committed offset never passes a record
 * whose effects are not in the database. What a crash (or a rebalance) leaves
 * uncommitted is delivered again, and the inbox turns those deliveries into
 * duplicates that change nothing. The interval bounds that re-delivery.
 *
 * `intervalMs` 0 commits after every batch.
 */
export class OffsetCommits {
  private readonly pending = new Map<string, TopicPartitionOffsetAndMetadata>();
  private timer: NodeJS.Timeout | undefined;
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly commit: CommitOffsets,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** `offset` of `topic`/`partition` is handled and committed in the database. */
  resolved(topic: string, partition: number, offset: string): Promise<void> {
    const next = (BigInt(offset) + 1n).toString();
    this.pending.set(`${topic}:${partition}`, { topic, partition, offset: next });
    if (this.intervalMs === 0) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
    return Promise.resolve();
  }

  /**
   * Commits what is pending now. Commits run one after another, so a later offset of
   * a partition is never overtaken by an earlier one. A failed commit (a rebalance, a
   * broker that is away) keeps its offsets pending for the next one, unless a later
   * offset of the same partition has been resolved meanwhile.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return this.last;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.last = this.last.then(() =>
      this.commit(offsets).catch((error: unknown) => {
        for (const o of offsets) {
          const key = `${o.topic}:${o.partition}`;
          if (!this.pending.has(key)) this.pending.set(key, o);
        }
        this.logger.warn('offset commit failed; the offsets are retried with the next one', {
          error,
        });
        if (this.intervalMs > 0)
          this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
      }),
    );
    return this.last;
  }

  /** Stops the timer; what is pending is dropped (it is delivered again, as after a crash). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
