import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicMap } from '@orderflow/events';
import { EventSerde, buildHeaders } from '@orderflow/events';
import type { BenchDatabase } from '../infra/databases.js';
import type { Log } from '../log.js';
import type { Catalog } from '../orders.js';
import { orderStream } from '../orders.js';

/** An outbox row as enqueue() writes it: Avro value, order id key, CloudEvents headers. */
export interface OutboxRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** The same trace parent on every row: the relay continues it as the services' rows ask. */
const traceContext = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

/** `count` OrderPlaced records encoded through the registry, as the orders service writes them. */
export async function orderPlacedRecords(
  registryUrl: string,
  topics: TopicMap,
  count: number,
  seed: number,
  catalog: Catalog,
): Promise<OutboxRecord[]> {
  const serde = new EventSerde({ registryUrl, topics, clientId: 'orderflow-bench' });
  await serde.registerAll(['OrderPlaced']);
  const next = orderStream(seed, catalog);
  const records: OutboxRecord[] = [];
  for (let i = 0; i < count; i++) {
    const body = next();
    const orderId = randomUUID();
    const time = new Date();
    const total = body.items.reduce((s, it) => s + it.quantity * it.unitPrice.amountMinor, 0);
    const value = await serde.encode('OrderPlaced', {
      orderId,
      customerId: body.customerId,
      items: body.items,
      total: { amountMinor: total, currency: 'EUR' },
      shippingAddress: { ...body.shippingAddress, line2: null },
      placedAt: time,
    });
    const headers = buildHeaders({
      id: randomUUID(),
      type: 'OrderPlaced',
      source: '/orderflow/orders',
      time,
      subject: orderId,
      correlationId: randomUUID(),
      causationId: orderId,
    });
    records.push({
      topic: topics.orders,
      key: orderId,
      value,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
    });
  }
  return records;
}

/** Writes the records into the outbox (many per statement), as committed rows waiting for the relay. */
export async function fillOutbox(
  db: BenchDatabase,
  records: readonly OutboxRecord[],
  chunk = 2_000,
): Promise<void> {
  for (let i = 0; i < records.length; i += chunk)
    await insertRows(db, records.slice(i, i + chunk), false);
}

/**
 * One statement: the rows and, like enqueue(), a NOTIFY on the relay's channel
 * ('orderflow_outbox', libs/messaging/src/outbox/enqueue.ts) so it wakes at once.
 */
export async function insertRows(
  db: BenchDatabase,
  rows: readonly OutboxRecord[],
  notify = true,
): Promise<void> {
  await db.query(
    `with rows as (
       insert into outbox (topic, key, value, headers, trace_context)
       select t, k, v, h, $5::jsonb from unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[]) as r(t, k, v, h)
       returning 1)
     select ${notify ? "pg_notify('orderflow_outbox', '')" : 'null'} from (select count(*) from rows) n`,
    [
      rows.map((r) => r.topic),
      rows.map((r) => r.key),
      rows.map((r) => r.value),
      rows.map((r) => JSON.stringify(r.headers)),
      JSON.stringify(traceContext),
    ],
  );
}

export async function outboxCount(db: BenchDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from outbox');
  return row?.n ?? 0;
}

/**
 * Polls the outbox while the relay empties it: events/s from the first poll that saw
 * it shrink to the poll that saw it empty (the relay's start-up is not counted).
 */
export async function timeDrain(
  db: BenchDatabase,
  total: number,
  timeoutMs: number,
  log: Log,
): Promise<number | undefined> {
  const started = Date.now();
  let first: { at: number; left: number } | undefined;
  let lastLog = started;
  for (;;) {
    const left = await outboxCount(db);
    const now = Date.now();
    if (first === undefined && left < total) first = { at: now, left };
    if (left === 0 && first) return first.left / Math.max(0.001, (now - first.at) / 1000);
    if (now - started > timeoutMs) {
      log(`  the relay left ${left} of ${total} rows after ${timeoutMs / 1000} s`);
      return first ? (first.left - left) / Math.max(0.001, (now - first.at) / 1000) : undefined;
    }
    if (now - lastLog >= 5_000) {
      lastLog = now;
      log(`  outbox: ${left} of ${total} rows left`);
    }
    await sleep(first ? 25 : 10);
  }
}

/** Inserts rows at `rate` per second in small statements; returns each row's ce_id → insert time. */
export async function pacedInserts(
  db: BenchDatabase,
  records: readonly OutboxRecord[],
  rate: number,
): Promise<Map<string, number>> {
  const insertedAt = new Map<string, number>();
  const start = Date.now();
  let done = 0;
  while (done < records.length) {
    const due = Math.min(records.length, Math.floor(((Date.now() - start) * rate) / 1000) + 1);
    if (due > done) {
      const rows = records.slice(done, due);
      const at = Date.now();
      await insertRows(db, rows);
      for (const r of rows) insertedAt.set(r.headers['ce_id'] ?? '', at);
      done = due;
    }
    await sleep(Math.max(1, start + ((done + 1) * 1000) / rate - Date.now()));
  }
  return insertedAt;
}
