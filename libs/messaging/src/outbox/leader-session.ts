import pg from 'pg';

/**
 * A leader's own Postgres connection, never a pooled one: it holds the session-level
 * advisory lock that makes this process the single worker of its kind (the outbox
 * relay of a service, the notification sender), and it LISTENs for new rows. When the
 * process dies, its connection closes and Postgres releases the lock, so a follower
 * that retries every second takes over within seconds.
 */
export class LeaderSession {
  private lost = false;
  private readonly client: pg.Client;

  private constructor(
    config: pg.ClientConfig,
    private readonly onNotify: () => void,
  ) {
    this.client = new pg.Client({ ...config, keepAlive: true });
    // A broken connection means the lock may already belong to someone else.
    const markLost = () => {
      this.lost = true;
      this.onNotify();
    };
    this.client.on('error', markLost);
    this.client.on('end', markLost);
    this.client.on('notification', () => this.onNotify());
  }

  static async open(config: pg.ClientConfig, onNotify: () => void): Promise<LeaderSession> {
    const session = new LeaderSession(config, onNotify);
    await session.client.connect();
    return session;
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** One attempt: true when this session now holds the lock of `role` for `name`. */
  async tryLock(role: string, name: string): Promise<boolean> {
    // The two-int form keeps these ids apart from the one-bigint ids of `lockKeys`.
    const { rows } = await this.client.query<{ locked: boolean }>(
      `select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked`,
      [role, name],
    );
    return rows[0]?.locked === true;
  }

  async listen(channel: string): Promise<void> {
    await this.client.query(`listen ${pg.escapeIdentifier(channel)}`);
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
