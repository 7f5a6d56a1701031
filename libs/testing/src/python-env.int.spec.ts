import { execFileSync } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { pythonEnv } from './python-env.js';

// Making a virtual environment runs ensurepip, which takes a while on a busy machine; this
// bound only stops a hung run.
jest.setTimeout(300_000);

describe('pythonEnv', () => {
  const name = `test-python-env-${process.pid}`;
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates a virtual environment under .cache/python, and reuses it while the requirements stay the same', async () => {
    const env = await pythonEnv(name, []);
    dir = env.dir;
    expect(env.dir).toMatch(new RegExp(`/\\.cache/python/${name}$`));
    const prefix = execFileSync(env.python, ['-c', 'import sys; print(sys.prefix)'], {
      encoding: 'utf8',
    }).trim();
    expect(prefix).toBe(env.dir);
    expect(env.bin('pip')).toBe(`${env.dir}/bin/pip`);
    await stat(env.bin('pip'));

    const config = `${env.dir}/pyvenv.cfg`;
    const made = (await stat(config)).mtimeMs;
    const again = await Promise.all([pythonEnv(name, []), pythonEnv(name, [])]);
    expect(again.map((e) => e.dir)).toEqual([env.dir, env.dir]);
    expect((await stat(config)).mtimeMs).toBe(made);
  });

  it('refuses a name that is not a plain directory name', async () => {
    await expect(pythonEnv('../elsewhere', [])).rejects.toThrow(/invalid Python environment name/);
  });
});
