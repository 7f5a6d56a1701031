import path from 'node:path';
import type { StackConfig } from './config.js';
import type { DaemonSpec } from './process.js';
import { which } from './process.js';
import { StackError } from './progress.js';

/** One piece of real infrastructure the stack provisions, starts, probes and stops. */
export interface Component {
  readonly name: string;
  /** Download or build what is missing from the cache; a no-op when it is there. */
  provision(): Promise<void>;
  /** One-time work on a fresh state directory (format storage, initdb). */
  prepare(): Promise<void>;
  readonly daemon: DaemonSpec;
  /** True once the server answers a real request. */
  ready(): Promise<boolean>;
  /** Once it is ready (started now or earlier): what must exist in it (users, grants). */
  configure?(): Promise<void>;
  readonly startTimeoutMs: number;
  /** What to show in `status`. */
  readonly endpoint: string;
}

export function componentPaths(config: StackConfig, name: string) {
  const dir = path.join(config.stateDir, name);
  return {
    dir,
    pidFile: path.join(dir, `${name}.pid`),
    logFile: path.join(config.stateDir, 'logs', `${name}.log`),
  };
}

/** Fails with one clear sentence when a tool the stack needs is not installed. */
export function requireTool(command: string, install: string): string {
  const found = which(command);
  if (!found) {
    throw new StackError(
      `\`${command}\` was not found on PATH. Install ${install}, then run the command again.`,
    );
  }
  return found;
}
