import type { Logger } from './logger.js';

/**
 * Says what a starting service is doing, so that a start-up that never finishes names
 * the step it waits on: each step is logged as it begins, and while one runs longer
 * than `warnEveryMs` a warning repeats its name and how long it has waited. A service
 * that waits for a registry, a broker or a database lock shows which one in its log,
 * rather than nothing at all.
 */
export class StartupProgress {
  private current: { name: string; since: number } = { name: 'start', since: Date.now() };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly warnEveryMs = 15_000,
  ) {
    this.timer = setInterval(() => this.warn(), warnEveryMs);
    // Start-up ends by itself or the process exits; this timer never holds it open.
    this.timer.unref();
  }

  /** Runs `work` as the step `name`: logged now, and named in the warnings while it runs. */
  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.current = { name, since: Date.now() };
    this.logger.info({ step: name }, `start-up: ${name}`);
    return work();
  }

  /** Start-up is over (ready or failed): no more warnings. */
  done(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private warn(): void {
    const waitedMs = Date.now() - this.current.since;
    if (waitedMs < this.warnEveryMs) return;
    this.logger.warn(
      { step: this.current.name, waitedMs },
      `start-up is still waiting: ${this.current.name}`,
    );
  }
}
