import { log } from '../log.js';

/**
 * What the bench must undo however it ends (service processes, databases): run in
 * reverse order of registration at the end of the run, or on Ctrl-C / SIGTERM.
 */
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;
  /** Set by Ctrl-C: nothing new may start. */
  interrupted = false;

  /** Registers a task; returns a function that runs it now (once) and unregisters it. */
  add(name: string, run: () => Promise<void>): () => Promise<void> {
    if (this.interrupted) throw new Error('interrupted');
    const task = { name, run };
    this.tasks.push(task);
    return async () => {
      const i = this.tasks.indexOf(task);
      if (i < 0) return;
      this.tasks.splice(i, 1);
      await run();
    };
  }

  async runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.tasks.length > 0) {
        const task = this.tasks.pop();
        if (!task) break;
        log('cleanup', task.name);
        await task
          .run()
          .catch((error: unknown) => log('cleanup', `${task.name} failed: ${String(error)}`));
      }
    })();
    await this.running;
  }

  /** Ctrl-C stops the services and drops the databases; a second Ctrl-C exits at once. */
  exitOnSignals(): void {
    let interruptedAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      // tsx's launcher relays the terminal's signal a few ms after it arrived here
      // too: only a second signal well after the first means "force".
      if (interruptedAt !== undefined) {
        if (Date.now() - interruptedAt > 1_000) process.exit(130);
        return;
      }
      interruptedAt = Date.now();
      this.interrupted = true;
      log('bench', `${signal}: stopping services and dropping databases (again to force)`);
      void this.runAll().finally(() => process.exit(130));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}
