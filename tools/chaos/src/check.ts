/**
 * The oracle: invariants I1–I9 of docs/invariants.md checked on a settled run's
 * snapshot. Pure, so crafted broken snapshots prove that each check bites.
 */
import type { ServiceName } from './schedule.js';
import { serviceNames } from './schedule.js';
import type { Snapshot, StoredEvent, TopicRecord } from './snapshot.js';

export const invariantIds = ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9'] as const;
export type InvariantId = (typeof invariantIds)[number];

export interface Violation {
  invariant: InvariantId;
  /** The order (or SKU, customer, topic) it concerns. */
  subject: string;
  message: string;
}

export interface CheckResult {
  violations: Violation[];
  /** Records read more than once on a topic (a relay re-sending after a crash): allowed. */
  duplicateRecords: Record<ServiceName, number>;
  /**
   * Copies of an e-mail under the same Message-ID: the notifications service died after
   * the SMTP server accepted it and before SENT was committed, and sent it again. Allowed:
   * the hand-over and the commit can't be one transaction, and receivers drop a second
   * copy of a Message-ID (docs/invariants.md, I6).
   */
  resentMails: number;
}

/** The events each event-sourced service publishes (the rest stay in its store). */
export const publishedTypes = {
  orders: ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'],
  payments: ['PaymentAuthorized', 'PaymentDeclined', 'PaymentRefunded'],
  shipping: ['ShipmentScheduled', 'ShipmentFailed', 'ShipmentCancelled'],
} as const;

type Line = { sku: string; quantity: number };
const amountOf = (e: StoredEvent) =>
  Number((e.data['amount'] as { amountMinor?: number } | undefined)?.amountMinor ?? NaN);
const linesOf = (e: StoredEvent) => (e.data['lines'] as Line[] | undefined) ?? [];

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const count = (events: readonly StoredEvent[] | undefined, type: string) =>
  (events ?? []).filter((e) => e.type === type).length;

/** Net charge of one order: authorized minus refunded (a hold and its void move nothing). */
function netCharge(events: readonly StoredEvent[] | undefined) {
  let amount = 0;
  let charges = 0;
  for (const e of events ?? []) {
    if (e.type === 'PaymentAuthorized') {
      amount += amountOf(e);
      charges += 1;
    } else if (e.type === 'PaymentRefunded') {
      amount -= amountOf(e);
      charges -= 1;
    }
  }
  return { amount, charges };
}

/** Net reservation of one order per SKU, and scheduled minus cancelled shipments. */
function netReservation(events: readonly StoredEvent[] | undefined) {
  const perSku = new Map<string, number>();
  let shipments = 0;
  for (const e of events ?? []) {
    const sign = e.type === 'ShipmentScheduled' ? 1 : e.type === 'ShipmentCancelled' ? -1 : 0;
    if (sign === 0) continue;
    shipments += sign;
    for (const l of linesOf(e)) perSku.set(l.sku, (perSku.get(l.sku) ?? 0) + sign * l.quantity);
  }
  for (const [sku, n] of perSku) if (n === 0) perSku.delete(sku);
  return { perSku, shipments };
}

const sameLines = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
  a.size === b.size && [...a].every(([sku, n]) => b.get(sku) === n);
const show = (m: ReadonlyMap<string, number>) =>
  JSON.stringify(Object.fromEntries([...m].sort(([x], [y]) => x.localeCompare(y))));

export function check(s: Snapshot): CheckResult {
  const violations: Violation[] = [];
  const fail = (invariant: InvariantId, subject: string, message: string) =>
    violations.push({ invariant, subject, message });

  // I1: every accepted order is terminal; none the client never placed.
  const views = new Map(s.orders.map((o) => [o.orderId, o]));
  const accepted = new Set(s.accepted);
  for (const id of s.accepted) {
    const view = views.get(id);
    if (!view) fail('I1', id, 'accepted (201) but not in orders_view');
    else if (view.status === 'PENDING') fail('I1', id, 'still PENDING after the faults healed');
  }
  for (const o of s.orders)
    if (!accepted.has(o.orderId)) fail('I1', o.orderId, 'in orders_view but never accepted');

  const orderEvents = groupBy(s.events.orders, (e) => e.orderId);
  const paymentEvents = groupBy(s.events.payments, (e) => e.orderId);
  const shippingEvents = groupBy(s.events.shipping, (e) => e.orderId);

  for (const o of s.orders) {
    if (o.status === 'PENDING') continue;
    const stream = orderEvents.get(o.orderId);
    const terminal = count(stream, 'OrderConfirmed') + count(stream, 'OrderCancelled');
    const inv: InvariantId = o.status === 'CONFIRMED' ? 'I2' : 'I3';
    if (terminal !== 1) fail(inv, o.orderId, `order stream has ${terminal} terminal events`);
    const charge = netCharge(paymentEvents.get(o.orderId));
    const reservation = netReservation(shippingEvents.get(o.orderId));
    if (o.status === 'CONFIRMED') {
      // I2: one net charge of the total, one net reservation per line, one shipment.
      if (charge.charges !== 1 || charge.amount !== o.totalMinor)
        fail(
          'I2',
          o.orderId,
          `net ${charge.charges} charge(s) of ${charge.amount}, total ${o.totalMinor}`,
        );
      const wanted = new Map<string, number>();
      for (const i of o.items) wanted.set(i.sku, (wanted.get(i.sku) ?? 0) + i.quantity);
      if (reservation.shipments !== 1 || !sameLines(reservation.perSku, wanted))
        fail(
          'I2',
          o.orderId,
          `net ${reservation.shipments} shipment(s) reserving ${show(reservation.perSku)}, ordered ${show(wanted)}`,
        );
    } else {
      // I3: nothing charged, nothing reserved.
      if (charge.charges !== 0 || charge.amount !== 0)
        fail('I3', o.orderId, `cancelled with net ${charge.charges} charge(s) of ${charge.amount}`);
      if (reservation.shipments !== 0 || reservation.perSku.size > 0)
        fail('I3', o.orderId, `cancelled with net reservation ${show(reservation.perSku)}`);
    }
  }

  // I4: per customer, balance + net charges = opening balance, never negative.
  const charged = new Map<string, number>();
  for (const e of s.events.payments) {
    const customer = typeof e.data['customerId'] === 'string' ? e.data['customerId'] : '';
    const sign = e.type === 'PaymentAuthorized' ? 1 : e.type === 'PaymentRefunded' ? -1 : 0;
    if (sign !== 0) charged.set(customer, (charged.get(customer) ?? 0) + sign * amountOf(e));
  }
  const known = new Set(s.accounts.map((a) => a.customerId));
  for (const a of s.accounts) {
    const net = charged.get(a.customerId) ?? 0;
    if (a.balanceMinor + net !== a.openingMinor)
      fail(
        'I4',
        a.customerId,
        `balance ${a.balanceMinor} + charged ${net} ≠ opening ${a.openingMinor}`,
      );
    if (a.balanceMinor < 0) fail('I4', a.customerId, `negative balance ${a.balanceMinor}`);
  }
  for (const [customer, net] of charged)
    if (!known.has(customer) && net !== 0)
      fail('I4', customer, `charged ${net} without an account`);

  // I5: per SKU, available + reserved = opening, reserved = net reservations, never negative.
  const reserved = new Map<string, number>();
  for (const events of shippingEvents.values())
    for (const [sku, n] of netReservation(events).perSku)
      reserved.set(sku, (reserved.get(sku) ?? 0) + n);
  for (const st of s.stock) {
    if (st.available + st.reserved !== st.opening)
      fail(
        'I5',
        st.sku,
        `available ${st.available} + reserved ${st.reserved} ≠ opening ${st.opening}`,
      );
    if (st.available < 0 || st.reserved < 0)
      fail('I5', st.sku, `negative stock: available ${st.available}, reserved ${st.reserved}`);
    if (st.reserved !== (reserved.get(st.sku) ?? 0))
      fail('I5', st.sku, `reserved ${st.reserved}, net reservations ${reserved.get(st.sku) ?? 0}`);
  }

  // I6: exactly one notification per outcome, SENT, and exactly one e-mail: one
  // Message-ID, of the outcome's kind. Copies under that Message-ID are counted apart.
  const notes = groupBy(s.notifications, (n) => n.orderId);
  const mails = groupBy(s.mails, (m) => m.replace(/^<|>$/g, ''));
  let resentMails = 0;
  for (const copies of mails.values()) resentMails += copies.length - 1;
  for (const o of s.orders) {
    if (o.status === 'PENDING') continue;
    const kind = o.status === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED';
    const rows = notes.get(o.orderId) ?? [];
    if (rows.length !== 1 || rows[0]!.kind !== kind || rows[0]!.status !== 'SENT')
      fail(
        'I6',
        o.orderId,
        `${o.status}: notifications ${JSON.stringify(rows.map((r) => `${r.kind}/${r.status}`))}`,
      );
    for (const k of ['ORDER_CONFIRMED', 'ORDER_CANCELLED']) {
      const sent = mails.has(`${o.orderId}.${k}@orderflow`);
      if (sent !== (k === kind)) fail('I6', o.orderId, `${sent ? 'an' : 'no'} e-mail of kind ${k}`);
    }
  }

  // I7 and I8 per event-sourced producer: its store against its topic.
  const duplicateRecords = Object.fromEntries(serviceNames.map((n) => [n, 0])) as Record<
    ServiceName,
    number
  >;
  for (const service of serviceNames) {
    if (s.outboxLeft[service] !== 0)
      fail('I7', service, `${s.outboxLeft[service]} committed outbox row(s) never published`);
    const records = s.topics[service];
    const seen = new Set<string>();
    for (const r of records) {
      if (r.id === undefined)
        fail('I7', `${service}@${r.partition}:${r.offset}`, 'record without ce_id');
      else if (seen.has(r.id)) duplicateRecords[service] += 1;
      else seen.add(r.id);
    }
    for (const r of s.deadLetters[service])
      fail('I9', `${service}.dlq`, `record ${r.id ?? '(no id)'} of order ${r.key} dead-lettered`);
  }
  for (const service of ['orders', 'payments', 'shipping'] as const)
    checkPublished(service, s.events[service], s.topics[service], fail);
  checkNotificationsPublished(s, fail);

  return { violations, duplicateRecords, resentMails };
}

type Fail = (invariant: InvariantId, subject: string, message: string) => void;

function checkPublished(
  service: 'orders' | 'payments' | 'shipping',
  stored: readonly StoredEvent[],
  records: readonly TopicRecord[],
  fail: Fail,
) {
  const types: readonly string[] = publishedTypes[service];
  const published = stored.filter((e) => types.includes(e.type));
  const byId = new Map(stored.map((e) => [e.eventId, e]));
  const onTopic = new Set(records.flatMap((r) => (r.id === undefined ? [] : [r.id])));
  // I7: nothing lost...
  for (const e of published)
    if (!onTopic.has(e.eventId))
      fail('I7', e.orderId, `${service} ${e.type} ${e.eventId} committed but never published`);
  // ...nothing published that was not committed, and each under its order's key.
  for (const r of records) {
    if (r.id === undefined) continue;
    const e = byId.get(r.id);
    if (!e) fail('I7', r.key ?? '', `${service}.events record ${r.id} has no committed event`);
    else if (!types.includes(e.type))
      fail('I7', e.orderId, `${service}.events carries unpublished ${e.type} ${r.id}`);
    else if (r.key !== e.orderId)
      fail('I7', e.orderId, `${service}.events record ${r.id} keyed ${r.key}`);
  }
  // I8: per key, the first delivery of each event in commit order. A re-sent batch
  // repeats records after the fact; it must not reorder their first deliveries.
  const expected = groupBy(published, (e) => e.orderId);
  const actual = groupBy(records, (r) => r.key ?? '');
  for (const [key, events] of expected) {
    const first: string[] = [];
    const partitions = new Set<number>();
    for (const r of actual.get(key) ?? []) {
      partitions.add(r.partition);
      if (r.id !== undefined && byId.has(r.id) && !first.includes(r.id)) first.push(r.id);
    }
    const want = events.map((e) => e.eventId);
    if (partitions.size > 1)
      fail('I8', key, `${service}.events: key on ${partitions.size} partitions`);
    const got = first.filter((id) => want.includes(id));
    if (got.length === want.length && got.some((id, i) => id !== want[i]))
      fail(
        'I8',
        key,
        `${service}.events order ${got.map((id) => byId.get(id)!.type).join(' → ')}, committed ${events.map((e) => e.type).join(' → ')}`,
      );
  }
}

/** Notifications keeps no event store: each SENT row is one NotificationSent, no more. */
function checkNotificationsPublished(s: Snapshot, fail: Fail) {
  const sent = groupBy(
    s.notifications.filter((n) => n.status === 'SENT'),
    (n) => n.orderId,
  );
  const ids = new Map<string, Set<string>>();
  for (const r of s.topics.notifications) {
    if (r.id === undefined) continue;
    const set = ids.get(r.key ?? '') ?? new Set<string>();
    set.add(r.id);
    ids.set(r.key ?? '', set);
  }
  for (const [orderId, rows] of sent) {
    const n = ids.get(orderId)?.size ?? 0;
    if (n < rows.length) fail('I7', orderId, `${rows.length} notification(s) SENT, ${n} published`);
    if (n > rows.length)
      fail('I7', orderId, `${n} NotificationSent events published for ${rows.length} SENT row(s)`);
  }
  for (const [orderId, set] of ids)
    if (!sent.has(orderId))
      fail('I7', orderId, `${set.size} NotificationSent published, no notification SENT`);
}
