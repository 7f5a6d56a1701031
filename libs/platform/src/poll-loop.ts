/**
 * A background job that runs one pass at a time until stopped: `tick`, then a pause of
 * `pauseMs()` (asked after each pass, so it can depend on what the pass saw), cut short
 * by `stop()` or, when the pause was asked as wakeable, by `wake()`. A pass that throws
 * is reported to `onError` and the loop goes on.
 */
export interface PollLoopOptions {
  tick: () => Promise<void>;
  pauseMs: () => number | { ms: number; wakeable: boolean };
  onError: (err: unknown) => void;
}

export class PollLoop {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: PollLoopOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Ends the current pause now, if it is wakeable; otherwise does nothing. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.options.tick();
      } catch (err) {
        this.options.onError(err);
      }
      const pause = this.options.pauseMs();
      await this.pause(typeof pause === 'number' ? { ms: pause, wakeable: false } : pause);
    }
  }

  private pause({ ms, wakeable }: { ms: number; wakeable: boolean }): Promise<void> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.wakeUp = done;
    });
  }
}
