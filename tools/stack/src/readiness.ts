import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './progress.js';

/**
 * Polls a readiness probe until it answers true or the deadline passes. The probe
 * must talk to the real server (a query, a metadata request), not just a port.
 */
export async function waitUntil(
  name: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; isAlive: () => boolean; logFile: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (!options.isAlive()) {
      throw new StackError(
        `${name} exited during start-up; see ${options.logFile}${logTail(options.logFile)}`,
      );
    }
    await sleep(250);
  }
  throw new StackError(
    `${name} was not ready after ${options.timeoutMs / 1000}s` +
      `${lastError ? ` (last probe error: ${lastError})` : ''}; see ${options.logFile}`,
  );
}

/** The last lines of a log, for an error that may outlive the file (a test's temp dir). */
function logTail(file: string, lines = 8): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trimEnd();
  } catch {
    return '';
  }
  return text ? `; its last lines:\n${text.split('\n').slice(-lines).join('\n')}` : '';
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}
