import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A Python virtual environment made by `pythonEnv`. */
export interface PythonEnv {
  /** The environment's directory, `<repo>/.cache/python/<name>`. */
  dir: string;
  /** Its Python interpreter. */
  python: string;
  /** The path of an executable the environment installed, e.g. `bin('schemathesis')`. */
  bin(name: string): string;
}

/**
 * A virtual environment under the repository's git-ignored `.cache/python/<name>` with
 * exactly `requirements` installed from PyPI (pin them, `package==1.2.3`, so that every
 * run tests with the same tools). Made with `python3 -m venv` on first use, reused while
 * the requirements stay the same, remade when they change. Concurrent callers (parallel
 * test processes) wait for the one that builds it.
 */
export async function pythonEnv(name: string, requirements: readonly string[]): Promise<PythonEnv> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`invalid Python environment name "${name}"`);
  const dir = path.join(repositoryRoot(), '.cache', 'python', name);
  const env: PythonEnv = {
    dir,
    python: path.join(dir, 'bin', 'python'),
    bin: (executable) => path.join(dir, 'bin', executable),
  };
  const wanted = `${[...requirements].sort().join('\n')}\n`;
  const stamp = path.join(dir, 'orderflow-requirements.txt');
  const current = async () => (await readFile(stamp, 'utf8').catch(() => '')) === wanted;
  if ((await current()) && existsSync(env.python)) return env;

  await withLock(`${dir}.lock`, async () => {
    if ((await current()) && existsSync(env.python)) return;
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.dirname(dir), { recursive: true });
    await run(
      'python3',
      ['-m', 'venv', dir],
      'python3 -m venv (Debian: apt-get install python3-venv)',
    );
    if (requirements.length > 0) {
      await run(
        env.python,
        ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...requirements],
        `pip install ${requirements.join(' ')}`,
      );
    }
    // Written last: an interrupted build is not mistaken for a finished one.
    await writeFile(stamp, wanted);
  });
  return env;
}

/** The repository root: the nearest directory at or above the working directory with nx.json. */
function repositoryRoot(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('not inside the orderflow repository');
  }
}

/**
 * Runs `fn` holding a lock directory (mkdir is atomic). A lock whose holder is no longer
 * running is taken over; otherwise this waits until the holder removes it.
 */
async function withLock(lock: string, fn: () => Promise<void>): Promise<void> {
  await mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path.join(lock, 'pid'), 'utf8').catch(() => NaN));
      if (Number.isInteger(holder) && !isRunning(holder)) {
        await rm(lock, { recursive: true, force: true });
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
  try {
    await writeFile(path.join(lock, 'pid'), String(process.pid));
    await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(command: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new Error(`${what} failed: ${error.message}`)));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}):\n${output}`)),
    );
  });
}
