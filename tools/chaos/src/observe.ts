import type { Admin, Consumer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { deadLetterTopicOf, subscriptions, Topics } from '@orderflow/events';
import type { StackConfig } from '@orderflow/stack';
import type { ServiceName } from './schedule.js';
import { serviceNames } from './schedule.js';
import type { OrderRow, Snapshot, StoredEvent, TopicRecord } from './snapshot.js';

/**
 * Reads the run's state where it lives: each service's database (as the admin role),
 * Kafka (committed offsets, and every record afresh), the SMTP sink. Everything here
 * tolerates infrastructure that is restarting: a failed probe is "not yet".
 */
export class Observer {
  private readonly pools: Record<ServiceName, pg.Pool>;
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private readonly seenMails = new Map<string, string>();

  constructor(
    private readonly infra: StackConfig,
    private readonly prefix: string,
    databases: Record<ServiceName, string>,
  ) {
    this.pools = Object.fromEntries(
      serviceNames.map((n) => {
        const pool = new pg.Pool({
          connectionString: infra.endpoints.postgresUrl.replace(/\/[^/]*$/, `/${databases[n]}`),
          max: 2,
        });
        // A Postgres restart ends idle connections: not a reason to crash the runner.
        pool.on('error', () => undefined);
        return [n, pool];
      }),
    ) as Record<ServiceName, pg.Pool>;
    this.kafka = new Kafka({
      clientId: 'orderflow-chaos',
      brokers: infra.endpoints.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
  }

  topic(service: ServiceName): string {
    return `${this.prefix}${Topics[service]}`;
  }

  async query<R extends pg.QueryResultRow>(
    service: ServiceName,
    text: string,
    values: unknown[] = [],
  ) {
    return (await this.pools[service].query<R>(text, values)).rows;
  }

  async seed(
    accounts: readonly { customerId: string; currency: string; openingMinor: number }[],
    stock: readonly { sku: string; opening: number }[],
  ): Promise<void> {
    for (const a of accounts)
      await this.query(
        'payments',
        `insert into accounts (customer_id, currency, opening_balance_minor, balance_minor)
         values ($1, $2, $3, $3)`,
        [a.customerId, a.currency, a.openingMinor],
      );
    for (const s of stock)
      await this.query(
        'shipping',
        `insert into stock (sku, available, reserved, opening_available) values ($1, $2, 0, $2)`,
        [s.sku, s.opening],
      );
  }

  /**
   * Breaks orders on purpose (see ChaosOptions.sabotage): a trigger deletes every 40th
   * outbox row as it is written, so its event is committed and never published.
   */
  async loseOutboxRows(): Promise<void> {
    await this.query(
      'orders',
      `create function chaos_lose_outbox_row() returns trigger language plpgsql as $$
       begin
         if new.id % 40 = 0 then delete from outbox where id = new.id; end if;
         return null;
       end $$`,
    );
    await this.query(
      'orders',
      `create trigger chaos_lose_outbox_row after insert on outbox
       for each row execute function chaos_lose_outbox_row()`,
    );
  }

  private async kafkaAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Records of each topic a group reads that it has not committed yet. */
  async lag(service: ServiceName): Promise<number> {
    let lag = 0;
    for (const p of (await this.committed(service)).values())
      lag += Math.max(0, p.high - p.committed);
    return lag;
  }

  /** Per partition of the topics a group reads: its committed offset and the end of the log. */
  async committed(service: ServiceName): Promise<Map<string, { committed: number; high: number }>> {
    try {
      return await this.readCommitted(await this.kafkaAdmin(), service);
    } catch (error) {
      // After a broker restart the admin client may be left broken: start a new one.
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async readCommitted(admin: Admin, service: ServiceName) {
    const topics = Object.keys(subscriptions[service]).map((p) => this.topic(p as ServiceName));
    const offsets = await admin.fetchOffsets({ groupId: `${this.prefix}${service}`, topics });
    const result = new Map<string, { committed: number; high: number }>();
    for (const t of offsets) {
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const end of ends) {
        const c = Number(t.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        result.set(`${t.topic}:${end.partition}`, {
          committed: c < 0 ? Number(end.low) : c,
          high: Number(end.high),
        });
      }
    }
    return result;
  }

  /**
   * What still keeps the run from being settled, empty once it is: orders not terminal,
   * outbox rows, notifications not sent, consumer lag.
   */
  async unsettled(): Promise<string[]> {
    const reasons: string[] = [];
    const [{ n: pending } = { n: '0' }] = await this.query<{ n: string }>(
      'orders',
      `select count(*) as n from orders_view where status = 'PENDING'`,
    );
    if (Number(pending) > 0) reasons.push(`${pending} orders pending`);
    for (const s of serviceNames) {
      const [{ n } = { n: '0' }] = await this.query<{ n: string }>(
        s,
        'select count(*) as n from outbox',
      );
      if (Number(n) > 0) reasons.push(`${n} ${s} outbox rows`);
    }
    const [{ n: unsent } = { n: '0' }] = await this.query<{ n: string }>(
      'notifications',
      `select count(*) as n from notifications where status <> 'SENT'`,
    );
    if (Number(unsent) > 0) reasons.push(`${unsent} notifications unsent`);
    for (const s of serviceNames) {
      const lag = await this.lag(s);
      if (lag > 0) reasons.push(`${s} lag ${lag}`);
    }
    return reasons;
  }

  async snapshot(accepted: readonly string[]): Promise<Snapshot> {
    const orders = await this.query<{
      order_id: string;
      status: OrderRow['status'];
      total_minor: string;
      items: { sku: string; quantity: number }[];
      cancel_reason: string | null;
    }>('orders', 'select order_id, status, total_minor, items, cancel_reason from orders_view');
    const events = async (service: 'orders' | 'payments' | 'shipping'): Promise<StoredEvent[]> =>
      (
        await this.query<{
          event_id: string;
          stream_id: string;
          type: string;
          data: Record<string, unknown>;
        }>(
          service,
          'select event_id, stream_id, type, data from events order by tx_id, global_position',
        )
      ).map((r) => ({
        eventId: r.event_id,
        streamId: r.stream_id,
        // Streams are named `<kind>-<orderId>` (order-, payment-, shipment-).
        orderId: r.stream_id.slice(r.stream_id.indexOf('-') + 1),
        type: r.type,
        data: r.data,
      }));
    const outboxLeft = {} as Record<ServiceName, number>;
    for (const s of serviceNames) {
      const [{ n } = { n: '0' }] = await this.query<{ n: string }>(
        s,
        'select count(*) as n from outbox',
      );
      outboxLeft[s] = Number(n);
    }
    const accounts = await this.query<{
      customer_id: string;
      opening_balance_minor: string;
      balance_minor: string;
    }>('payments', 'select customer_id, opening_balance_minor, balance_minor from accounts');
    const stock = await this.query<{
      sku: string;
      opening_available: number;
      available: number;
      reserved: number;
    }>('shipping', 'select sku, opening_available, available, reserved from stock');
    const notifications = await this.query<{
      order_id: string;
      kind: string;
      status: string;
      message_id: string;
    }>('notifications', 'select order_id, kind, status, message_id from notifications');
    const topics = {} as Record<ServiceName, TopicRecord[]>;
    const deadLetters = {} as Record<ServiceName, TopicRecord[]>;
    for (const s of serviceNames) {
      topics[s] = await this.readTopic(this.topic(s));
      deadLetters[s] = await this.readTopic(deadLetterTopicOf(this.topic(s)));
    }
    return {
      accepted: [...accepted],
      orders: orders.map((o) => ({
        orderId: o.order_id,
        status: o.status,
        totalMinor: Number(o.total_minor),
        items: o.items.map(({ sku, quantity }) => ({ sku, quantity })),
        cancelReason: o.cancel_reason,
      })),
      events: {
        orders: await events('orders'),
        payments: await events('payments'),
        shipping: await events('shipping'),
      },
      accounts: accounts.map((a) => ({
        customerId: a.customer_id,
        openingMinor: Number(a.opening_balance_minor),
        balanceMinor: Number(a.balance_minor),
      })),
      stock: stock.map((s) => ({
        sku: s.sku,
        opening: s.opening_available,
        available: s.available,
        reserved: s.reserved,
      })),
      notifications: notifications.map((n) => ({
        orderId: n.order_id,
        kind: n.kind,
        status: n.status,
        messageId: n.message_id,
      })),
      outboxLeft,
      topics,
      deadLetters,
      mails: await this.mails(new Set(orders.map((o) => o.order_id))),
    };
  }

  /** Every record of a topic, read by a fresh consumer group from the beginning to the end. */
  async readTopic(topic: string): Promise<TopicRecord[]> {
    const admin = await this.kafkaAdmin();
    if (!(await admin.listTopics()).includes(topic)) return [];
    const ends = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(
      ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
    );
    const records: TopicRecord[] = [];
    if (remaining.size === 0) return records;
    const consumer: Consumer = this.kafka.consumer({
      groupId: `${this.prefix}chaos-check-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            records.push({
              partition: batch.partition,
              offset: m.offset,
              key: m.key?.toString() ?? null,
              id: m.headers?.['ce_id']?.toString(),
              type: m.headers?.['ce_type']?.toString().split('.').pop(),
            });
            const end = remaining.get(batch.partition);
            if (end !== undefined && Number(m.offset) + 1 >= end) remaining.delete(batch.partition);
          }
          if (remaining.size === 0) done();
        },
      });
      // Bounds a read that cannot reach the end (a broker gone, say): that is a failure.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${topic}: could not read to the end within 5 minutes`)),
          300_000,
        );
      });
      await Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    // Offset order within each partition (batches of partitions may interleave).
    return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  }

  /**
   * Reads the SMTP sink's list and remembers every message by its sink id: the sink keeps
   * only its latest messages, so a long run reads it now and then, not only at the end.
   */
  async pollMails(): Promise<void> {
    const url = `${this.infra.endpoints.mailApiUrl}/api/v1/messages`;
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch(
      (error: unknown) => {
        // The sink is this run's own infrastructure, not a part under test: without it
        // the e-mails (I6) cannot be checked, and the run says so rather than guess.
        throw new Error(
          `the run's SMTP sink does not answer at ${url} (${(error as Error).message})`,
          { cause: error },
        );
      },
    );
    const { messages } = (await res.json()) as { messages: { ID: string; MessageID: string }[] };
    for (const m of messages) this.seenMails.set(m.ID, m.MessageID.replace(/^<|>$/g, ''));
  }

  /** Message-IDs of every e-mail seen for the given orders, one per e-mail. */
  async mails(orderIds: ReadonlySet<string>): Promise<string[]> {
    await this.pollMails();
    return [...this.seenMails.values()].filter((id) => orderIds.has(id.split('.')[0] ?? ''));
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    await Promise.all(serviceNames.map((n) => this.pools[n].end().catch(() => undefined)));
  }
}
