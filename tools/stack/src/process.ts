import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandLineOf, daemonProcesses } from './process-table.js';
import { progress } from './progress.js';
import { workspaceRoot } from './workspace.js';

/** A long-running server started by the stack, tracked by a pid file. */
export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  pidFile: string;
  logFile: string;
  /** A string that must appear in /proc/<pid>/cmdline, so a recycled pid is never signalled. */
  marker: string;
  /** Postgres wants SIGINT for a fast shutdown; the JVMs and Jaeger take SIGTERM. */
  stopSignal?: NodeJS.Signals;
}

export function readPid(spec: Pick<DaemonSpec, 'pidFile' | 'marker'>): number | undefined {
  const pid = recordedPid(spec);
  return pid !== undefined && isOurProcess(pid, spec.marker) ? pid : undefined;
}

/** The pid in the pid file, alive or not. */
function recordedPid(spec: Pick<DaemonSpec, 'pidFile'>): number | undefined {
  if (!existsSync(spec.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(spec.pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isOurProcess(pid: number, marker: string): boolean {
  return commandLineOf(pid)?.includes(marker) === true;
}

/**
 * What is left of the daemon in the pid file: its own process if alive, and any
 * process of its group that carries the marker (see process-table.ts).
 */
export function daemonLeftovers(spec: Pick<DaemonSpec, 'pidFile' | 'marker'>): number[] {
  const pid = recordedPid(spec);
  return pid === undefined ? [] : daemonProcesses(pid, spec.marker);
}

/**
 * How to run a TypeScript entry point as a daemon: ONE node process with tsx
 * registered in-process. tsx's CLI would spawn a second node process that runs the
 * code: a SIGKILL of the recorded pid then leaves that one running, holding its port.
 */
export function typeScriptEntry(
  entry: string,
  args: readonly string[] = [],
): Pick<DaemonSpec, 'command' | 'args' | 'cwd'> {
  // `--import tsx` resolves from the working directory: the repository root.
  return {
    command: process.execPath,
    args: ['--import', 'tsx', entry, ...args],
    cwd: workspaceRoot(),
  };
}

/**
 * How to run an esbuild bundle as a daemon: ONE node process, the server itself, and
 * nothing to compile at start-up. Stack traces name the TypeScript sources through the
 * bundle's source map.
 */
export function bundleEntry(
  bundle: string,
  cwd: string,
  args: readonly string[] = [],
): Pick<DaemonSpec, 'command' | 'args' | 'cwd'> {
  return { command: process.execPath, args: ['--enable-source-maps', bundle, ...args], cwd };
}

/** A bundle built by one shell command (a project's Nx build target). */
export interface BundleBuild {
  /** The build's working directory: the checkout. Paths below are relative to it. */
  cwd: string;
  command: string;
  outfile: string;
  /** esbuild's metafile of the last build: it lists every source file bundled. */
  metafile: string;
  /** Files that change the output without being bundled: the build's own settings. */
  settings: readonly string[];
}

/**
 * Why the bundle must be built again, or undefined when it is newer than every file
 * it was built from. Reads one small JSON file and stats a few hundred files: far
 * cheaper than asking Nx, which spends seconds hashing the workspace.
 */
export function bundleStaleness(build: BundleBuild): string | undefined {
  const at = (file: string) => path.resolve(build.cwd, file);
  const builtAt = modifiedAt(at(build.outfile));
  if (builtAt === undefined) return 'not built yet';
  let sources: string[];
  try {
    const meta = JSON.parse(readFileSync(at(build.metafile), 'utf8')) as {
      inputs?: Record<string, unknown>;
    };
    sources = Object.keys(meta.inputs ?? {});
  } catch {
    return 'its list of sources is missing';
  }
  if (sources.length === 0) return 'its list of sources is empty';
  for (const file of [...build.settings, ...sources]) {
    const changedAt = modifiedAt(at(file));
    if (changedAt === undefined) return `${file} is gone`;
    if (changedAt > builtAt) return `${file} changed`;
  }
  return undefined;
}

function modifiedAt(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Builds the bundle if it is missing or stale, with progress. Builds of one bundle
 * take turns (flock), so that two tools starting the same service do not write the
 * file at the same time.
 */
export async function ensureBundle(
  name: string,
  build: BundleBuild,
  logFile: string,
): Promise<void> {
  const reason = bundleStaleness(build);
  if (reason === undefined) return;
  const bin = path.join(build.cwd, 'node_modules', '.bin');
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` };
  // Outside the output folder, which the container image copies whole.
  const id = createHash('sha256').update(path.resolve(build.cwd, build.outfile)).digest('hex');
  const lock = path.join(tmpdir(), `orderflow-build-${id.slice(0, 16)}.lock`);
  const [command, args] = which('flock')
    ? ['flock', [lock, 'sh', '-c', build.command]]
    : ['sh', ['-c', build.command]];
  await runStep(name, `building ${build.outfile} (${reason})`, command, args, {
    cwd: build.cwd,
    env,
    logFile,
  });
}

export function startDaemon(spec: DaemonSpec): number {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * Stops a daemon and its process group; escalates to SIGKILL after the grace period.
 * Also stops what a dead daemon left in its group, so that a server orphaned by a
 * SIGKILLed parent does not hold its port forever. True if anything was running.
 */
export async function stopDaemon(spec: DaemonSpec, graceMs = 20_000): Promise<boolean> {
  const pid = recordedPid(spec);
  const running = () => (pid === undefined ? [] : daemonProcesses(pid, spec.marker));
  if (pid === undefined || running().length === 0) {
    rmSync(spec.pidFile, { force: true });
    return false;
  }
  signalGroup(pid, spec.stopSignal ?? 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && running().length > 0) await sleep(100);
  if (running().length > 0) {
    progress(spec.name, `did not stop within ${graceMs / 1000}s, killing`);
    signalGroup(pid, 'SIGKILL');
    while (running().length > 0) await sleep(50);
  }
  rmSync(spec.pidFile, { force: true });
  return true;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    // Each daemon leads its own process group (detached), so this reaches its children
    // too; the caller has checked that the group holds a process of ours.
    process.kill(-pgid, signal);
  } catch {
    try {
      process.kill(pgid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Runs a provisioning command to completion, writing its output to a log file and
 * printing a heartbeat with the elapsed time and the latest output line, because
 * a cold download or build takes minutes and silence looks like a hang.
 */
export async function runStep(
  name: string,
  what: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const started = Date.now();
  progress(name, `${what}…`);
  let last = '';
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = openSync(options.logFile, 'a');
  const onData = (chunk: Buffer) => {
    writeFileSync(log, chunk);
    const lines = chunk.toString('utf8').trim().split('\n');
    last = lines[lines.length - 1]?.trim().slice(0, 100) ?? last;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const heartbeat = setInterval(() => {
    const s = Math.round((Date.now() - started) / 1000);
    progress(name, `… ${s}s${last ? ` · ${last}` : ''}`);
  }, 10_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      throw new Error(
        `${name}: ${what} failed (exit ${code}). Last output: ${last || '(none)'}\n` +
          `  full log: ${options.logFile}`,
      );
    }
    progress(name, `${what}: done in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    clearInterval(heartbeat);
    closeSync(log);
  }
}

/** Finds an executable on PATH, or undefined. */
export function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}
