import type { Logger } from './logger.js';

export type Closer = { name: string; close: () => Promise<void> };

/**
 * Runs the closers in reverse order of registration (last started, first stopped)
 * on SIGTERM or SIGINT, with a deadline after which the process exits anyway.
 */
export function onShutdown(logger: Logger, closers: Closer[], deadlineMs = 25_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed, exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    let failed = false;
    for (const closer of [...closers].reverse()) {
      try {
        await closer.close();
      } catch (err) {
        failed = true;
        logger.error({ err, closer: closer.name }, 'close failed');
      }
    }
    logger.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
