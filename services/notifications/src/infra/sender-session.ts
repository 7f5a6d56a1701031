import pg from 'pg';

/** Notified on commit of a new notification row; the leading sender listens. */
export const SENDER_CHANNEL = 'orderflow_notifications';

/**
 * The sender's own Postgres connection, never a pooled one: it holds the session-level
 * advisory lock that makes this process the only one sending notifications, and it
 * LISTENs for new rows. When the process dies its connection closes and Postgres
 * releases the lock, so a follower takes over within its retry interval. (The same
 * shape as the outbox relay's leader session, under a lock of its own.)
 */
export class SenderSession {
  private lost = false;
  private readonly client: pg.Client;

  private constructor(config: pg.ClientConfig, onNotify: () => void) {
    this.client = new pg.Client({ ...config, keepAlive: true });
    // A broken connection means the lock may already belong to someone else.
    const markLost = () => {
      this.lost = true;
      onNotify();
    };
    this.client.on('error', markLost);
    this.client.on('end', markLost);
    this.client.on('notification', onNotify);
  }

  static async open(config: pg.ClientConfig, onNotify: () => void): Promise<SenderSession> {
    const session = new SenderSession(config, onNotify);
    await session.client.connect();
    return session;
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** One attempt: true when this session now holds the sender lock. */
  async tryLock(): Promise<boolean> {
    // Two-int form, apart from the one-bigint ids that `lockKeys` uses.
    const { rows } = await this.client.query<{ locked: boolean }>(
      `select pg_try_advisory_lock(hashtext('orderflow.notification-sender'), 0) as locked`,
    );
    return rows[0]?.locked === true;
  }

  async listen(): Promise<void> {
    await this.client.query(`listen ${SENDER_CHANNEL}`);
  }

  /** Proves the connection, and with it the lock, is still alive. */
  async stillHeld(): Promise<boolean> {
    if (this.lost) return false;
    try {
      await this.client.query('select 1');
      return !this.lost;
    } catch {
      this.lost = true;
      return false;
    }
  }

  /** Closing the connection releases the lock. */
  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
