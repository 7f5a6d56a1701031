import type pg from 'pg';
import { backoffDelay } from '../consumer/backoff.js';
import { LeaderSession } from './leader-session.js';

export interface LeaderLoopOptions {
  /** The leader's dedicated connection (lock + LISTEN); never a pooler address. */
  connection: pg.ClientConfig;
  /** The advisory lock that elects one leader, e.g. ('orderflow.outbox-relay', service). */
  lock: { role: string; name: string };
  /** NOTIFY channel that announces new work (sent on commit by the writers). */
  channel: string;
  /** One pass of work; returns how many items it handled (0: wait for a notification). */
  work(): Promise<number>;
  /** Polling fallback when no notification arrives: notifications are a hint, not a delivery. */
  pollIntervalMs: number;
  /** How often a follower tries to become leader. */
  lockRetryMs?: number;
  /** How often the leader proves that its connection, and with it the lock, is alive. */
  proveEveryMs?: number;
  /** A failed pass; the loop backs off exponentially (200 ms to 5 s) and goes on. */
  onPassFailed(error: unknown, failures: number): void | Promise<void>;
  /** The session failed (connection lost, say); the loop starts over as a follower. */
  onSessionFailed(error: unknown): void;
  onLeadership?(leading: boolean): void;
}

/** One leader has no peers to spread its retries from: the plain exponential bound. */
const passBackoff = { initialDelayMs: 200, maxDelayMs: 5_000, jitter: 'none' } as const;

/**
 * A background worker of which exactly one instance per lock works at a time: it
 * takes the lock on a connection of its own, LISTENs for new work, and calls `work`
 * until it is stopped or its connection (and with it the lock) is lost; followers
 * retry the lock every second, so a dead leader is replaced within seconds. The
 * outbox relay and the notification sender are such workers.
 */
export class LeaderLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private pending = false;
  private wake: () => void = () => undefined;
  private leading = false;

  constructor(private readonly options: LeaderLoopOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets the pass in flight finish, then releases the lock. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private notify = () => {
    this.pending = true;
    this.wake();
  };

  private async run(): Promise<void> {
    const { lockRetryMs = 1_000, lock } = this.options;
    while (this.running) {
      let session: LeaderSession | undefined;
      try {
        session = await LeaderSession.open(this.options.connection, this.notify);
        while (this.running && !session.isLost && !(await session.tryLock(lock.role, lock.name))) {
          await this.idle(lockRetryMs);
        }
        if (this.running && !session.isLost) await this.lead(session);
      } catch (error) {
        this.options.onSessionFailed(error);
      } finally {
        this.setLeading(false);
        await session?.close();
      }
      // A lost session wakes the loop (so a leader stops at once); the wake-up must not
      // also cut the wait before the next attempt, or an outage becomes a reconnect storm.
      this.pending = false;
      if (this.running) await this.idle(lockRetryMs);
    }
  }

  private async lead(session: LeaderSession): Promise<void> {
    await session.listen(this.options.channel);
    this.setLeading(true);
    let failures = 0;
    let provedAt = Date.now();
    while (this.running && !session.isLost) {
      // A lost connection shows up as an event (isLost); a silently dead one only when
      // a query fails. Prove it once per interval, not once per pass: under load a
      // pass takes milliseconds and the check would cost as much as the work.
      if (Date.now() - provedAt >= (this.options.proveEveryMs ?? 1_000)) {
        if (!(await session.stillHeld())) break;
        provedAt = Date.now();
      }
      try {
        const handled = await this.options.work();
        failures = 0;
        if (handled === 0) await this.idle(this.options.pollIntervalMs);
      } catch (error) {
        failures += 1;
        await this.options.onPassFailed(error, failures);
        await this.idle(backoffDelay(failures, passBackoff));
      }
    }
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.options.onLeadership?.(leading);
  }

  /**
   * Waits for a notification, a stop, or the timeout, whichever comes first. A plain
   * timer and resolver, not an aborted sleep: under load the relay is woken hundreds of
   * times a second, and an abort creates an error (with its stack trace) every time.
   */
  private async idle(ms: number): Promise<void> {
    if (this.pending || !this.running) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = () => undefined;
        resolve();
      };
    });
    this.pending = false;
  }
}
