import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { OffsetCommits } from './offset-commits.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function recorder(fail = () => false) {
  const commits: TopicPartitionOffsetAndMetadata[][] = [];
  const commit = (offsets: TopicPartitionOffsetAndMetadata[]) => {
    if (fail()) return Promise.reject(new Error('REBALANCE_IN_PROGRESS'));
    commits.push(offsets);
    return Promise.resolve();
  };
  return { commits, commit };
}

describe('OffsetCommits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits the next offset of each partition once per interval, not once per batch', async () => {
    const { commits, commit } = recorder();
    const offsets = new OffsetCommits(commit, 1_000, quiet);
    await offsets.resolved('orders.events', 0, '7');
    await offsets.resolved('orders.events', 0, '8');
    await offsets.resolved('orders.events', 1, '3');
    expect(commits).toEqual([]);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(commits).toEqual([
      [
        { topic: 'orders.events', partition: 0, offset: '9' },
        { topic: 'orders.events', partition: 1, offset: '4' },
      ],
    ]);
    // Nothing new: no further request.
    await jest.advanceTimersByTimeAsync(5_000);
    expect(commits).toHaveLength(1);
  });

  it('with interval 0 commits after every batch', async () => {
    const { commits, commit } = recorder();
    const offsets = new OffsetCommits(commit, 0, quiet);
    await offsets.resolved('payments.events', 2, '0');
    await offsets.resolved('payments.events', 2, '1');
    expect(commits).toEqual([
      [{ topic: 'payments.events', partition: 2, offset: '1' }],
      [{ topic: 'payments.events', partition: 2, offset: '2' }],
    ]);
  });

  it('keeps the offsets of a failed commit for the next one, unless a later offset replaced them', async () => {
    let failing = true;
    const { commits, commit } = recorder(() => failing);
    const offsets = new OffsetCommits(commit, 1_000, quiet);
    await offsets.resolved('orders.events', 0, '10');
    await offsets.resolved('orders.events', 1, '20');
    await offsets.flush();
    expect(commits).toEqual([]);

    failing = false;
    await offsets.resolved('orders.events', 1, '21');
    await offsets.flush();
    expect(commits).toEqual([
      [
        { topic: 'orders.events', partition: 0, offset: '11' },
        { topic: 'orders.events', partition: 1, offset: '22' },
      ],
    ]);
  });

  it('flush commits what is pending at once (a graceful stop), close drops the timer', async () => {
    const { commits, commit } = recorder();
    const offsets = new OffsetCommits(commit, 60_000, quiet);
    await offsets.resolved('shipping.events', 0, '99');
    await offsets.flush();
    expect(commits).toEqual([[{ topic: 'shipping.events', partition: 0, offset: '100' }]]);
    await offsets.resolved('shipping.events', 0, '100');
    offsets.close();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(commits).toHaveLength(1);
  });
});
