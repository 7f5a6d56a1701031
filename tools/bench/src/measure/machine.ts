import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { StackEndpoints } from '../infra/stack.js';
import { serverVersion } from '../infra/databases.js';

/** What a result is worth nothing without: the machine and the code it measured. */
export interface MachineInfo {
  hostname: string;
  cpuModel: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  node: string;
  java: string;
  postgres: string;
  /** Load average when the run started: other work on the machine skews every figure. */
  loadAverage: number[];
}

export interface CodeInfo {
  /** The checkout whose services were measured (`--root`). */
  root: string;
  rootCommit: string;
  /** The bench's own checkout. */
  benchCommit: string;
}

export async function machineInfo(stack: StackEndpoints): Promise<MachineInfo> {
  return {
    hostname: os.hostname(),
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    java: javaVersion(),
    postgres: await serverVersion(stack).catch(() => 'unknown'),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function codeInfo(root: string, benchRoot: string): CodeInfo {
  return { root, rootCommit: gitCommit(root), benchCommit: gitCommit(benchRoot) };
}

/** `<sha>` plus ` (modified)` when the work tree has uncommitted changes. */
export function gitCommit(dir: string): string {
  try {
    const sha = git(dir, ['rev-parse', 'HEAD']);
    const dirty = git(dir, ['status', '--porcelain', '--untracked-files=no']) !== '';
    return dirty ? `${sha} (modified)` : sha;
  } catch {
    return 'unknown';
  }
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function javaVersion(): string {
  // `java -version` writes to stderr.
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return 'not found';
  return `${result.stderr}${result.stdout}`.split('\n')[0]?.trim() || 'unknown';
}
