import { GroupCommit } from './group-commit.js';

/** A commit function whose calls the test completes by hand. */
function manualCommits() {
  const groups: number[][] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const commit = (group: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      groups.push([...group]);
      pending.push({ resolve, reject });
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { commit, groups, pending, tick };
}

describe('GroupCommit', () => {
  it('commits the first item alone and everything added meanwhile as the next group', async () => {
    const c = manualCommits();
    const commits = new GroupCommit(c.commit);
    commits.add(1);
    commits.add(2);
    commits.add(3);
    await c.tick();
    expect(c.groups).toEqual([[1]]);
    c.pending[0]!.resolve();
    await c.tick();
    expect(c.groups).toEqual([[1], [2, 3]]);
    commits.add(4);
    c.pending[1]!.resolve();
    await c.tick();
    expect(c.groups).toEqual([[1], [2, 3], [4]]);
    c.pending[2]!.resolve();
    await commits.flush();
    expect(c.groups).toHaveLength(3);
  });

  it('flush waits until every item added so far is committed', async () => {
    const c = manualCommits();
    const commits = new GroupCommit(c.commit);
    let flushed = false;
    commits.add(1);
    commits.add(2);
    const flush = commits.flush().then(() => (flushed = true));
    await c.tick();
    c.pending[0]!.resolve();
    await c.tick();
    expect(flushed).toBe(false); // [2] is still committing
    c.pending[1]!.resolve();
    await flush;
    expect(c.groups).toEqual([[1], [2]]);
  });

  it('flush of nothing resolves at once', async () => {
    await expect(new GroupCommit(manualCommits().commit).flush()).resolves.toBe(undefined);
  });

  it('after a failed commit commits nothing more, says so, and flush rejects with the error', async () => {
    const c = manualCommits();
    const commits = new GroupCommit(c.commit);
    commits.add(1);
    commits.add(2);
    await c.tick();
    c.pending[0]!.reject(new Error('connection lost'));
    await expect(commits.flush()).rejects.toThrow('connection lost');
    expect(commits.failed).toBe(true);
    commits.add(3);
    await c.tick();
    expect(c.groups).toEqual([[1]]);
    await expect(commits.flush()).rejects.toThrow('connection lost');
  });
});
