import type { InvariantId } from './check.js';
import { check } from './check.js';
import type { Snapshot, StoredEvent, TopicRecord } from './snapshot.js';

/**
 * A settled run of two orders, consistent in every store: one confirmed, one cancelled
 * after its payment was refunded. Each test breaks it the way a bug would, and the
 * check must name the invariant.
 */
const ok = 'o-ok';
const gone = 'o-gone';

function event(
  eventId: string,
  orderId: string,
  type: string,
  data: Record<string, unknown> = {},
): StoredEvent {
  return { eventId, streamId: `x-${orderId}`, orderId, type, data: { orderId, ...data } };
}

function record(partition: number, offset: number, key: string, id: string): TopicRecord {
  return { partition, offset: String(offset), key, id, type: undefined };
}

function settled(): Snapshot {
  const amount = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
  const orders = [
    event('e1', ok, 'OrderPlaced'),
    event('e2', gone, 'OrderPlaced'),
    event('e3', ok, 'PaymentAuthorized'),
    event('e4', ok, 'OrderConfirmed'),
    event('e5', gone, 'OrderCancelled'),
  ];
  const payments = [
    event('p1', ok, 'PaymentAuthorized', { customerId: 'c', amount: amount(300) }),
    event('p2', gone, 'PaymentAuthorized', { customerId: 'c', amount: amount(500) }),
    event('p3', gone, 'PaymentRefunded', { customerId: 'c', amount: amount(500) }),
  ];
  const shipping = [
    event('s1', ok, 'OrderNoted'),
    event('s2', ok, 'ShipmentScheduled', { lines: [{ sku: 'A', quantity: 2 }] }),
    event('s3', gone, 'ShipmentFailed'),
  ];
  return {
    accepted: [ok, gone],
    orders: [
      {
        orderId: ok,
        status: 'CONFIRMED',
        totalMinor: 300,
        items: [{ sku: 'A', quantity: 2 }],
        cancelReason: null,
      },
      {
        orderId: gone,
        status: 'CANCELLED',
        totalMinor: 500,
        items: [{ sku: 'B', quantity: 1 }],
        cancelReason: 'OUT_OF_STOCK',
      },
    ],
    events: { orders, payments, shipping },
    accounts: [{ customerId: 'c', openingMinor: 1_000, balanceMinor: 700 }],
    stock: [
      { sku: 'A', opening: 10, available: 8, reserved: 2 },
      { sku: 'B', opening: 0, available: 0, reserved: 0 },
    ],
    notifications: [
      { orderId: ok, kind: 'ORDER_CONFIRMED', status: 'SENT', messageId: '' },
      { orderId: gone, kind: 'ORDER_CANCELLED', status: 'SENT', messageId: '' },
    ],
    outboxLeft: { orders: 0, payments: 0, shipping: 0, notifications: 0 },
    topics: {
      orders: [
        record(0, 0, ok, 'e1'),
        record(1, 0, gone, 'e2'),
        record(0, 1, ok, 'e4'),
        record(1, 1, gone, 'e5'),
      ],
      payments: [record(0, 0, ok, 'p1'), record(1, 0, gone, 'p2'), record(1, 1, gone, 'p3')],
      shipping: [record(0, 0, ok, 's2'), record(1, 0, gone, 's3')],
      notifications: [record(0, 0, ok, 'n1'), record(1, 0, gone, 'n2')],
    },
    deadLetters: { orders: [], payments: [], shipping: [], notifications: [] },
    mails: [`${ok}.ORDER_CONFIRMED@orderflow`, `<${gone}.ORDER_CANCELLED@orderflow>`],
  };
}

const invariantsOf = (s: Snapshot) =>
  [...new Set(check(s).violations.map((v) => v.invariant))].sort();

describe('the invariant check', () => {
  it('passes a consistent run, counting a re-sent record as a duplicate, not a violation', () => {
    const s = settled();
    s.topics.orders.push(record(0, 2, ok, 'e1'), record(0, 3, ok, 'e4'));
    const result = check(s);
    expect(result.violations).toEqual([]);
    expect(result.duplicateRecords.orders).toBe(2);
  });

  it('counts a second copy of an e-mail under its Message-ID as re-sent, not a violation', () => {
    const s = settled();
    s.mails.push(`<${ok}.ORDER_CONFIRMED@orderflow>`);
    const result = check(s);
    expect(result.violations).toEqual([]);
    expect(result.resentMails).toBe(1);
  });

  const broken: [string, InvariantId, (s: Snapshot) => void][] = [
    ['an order left pending', 'I1', (s) => (s.orders[0]!.status = 'PENDING')],
    ['an accepted order missing', 'I1', (s) => s.accepted.push('o-lost')],
    [
      'a payment applied twice (the inbox did not dedupe)',
      'I2',
      (s) =>
        s.events.payments.push(
          event('p9', ok, 'PaymentAuthorized', { customerId: 'c', amount: { amountMinor: 300 } }),
        ),
    ],
    ['a confirmed order without its shipment', 'I2', (s) => s.events.shipping.splice(1, 1)],
    ['a cancelled order never refunded', 'I3', (s) => s.events.payments.splice(2, 1)],
    ['money created', 'I4', (s) => (s.accounts[0]!.balanceMinor += 1)],
    ['stock lost', 'I5', (s) => (s.stock[0]!.available -= 1)],
    [
      'an e-mail of the other outcome as well',
      'I6',
      (s) => s.mails.push(`${ok}.ORDER_CANCELLED@orderflow`),
    ],
    ['no e-mail for an outcome', 'I6', (s) => s.mails.splice(0, s.mails.length)],
    ['a notification never sent', 'I6', (s) => (s.notifications[1]!.status = 'PENDING')],
    ['a committed event never published', 'I7', (s) => s.topics.payments.splice(2, 1)],
    [
      'a published event never committed',
      'I7',
      (s) => s.topics.orders.push(record(0, 2, ok, 'e-phantom')),
    ],
    ['an outbox row left behind', 'I7', (s) => (s.outboxLeft.shipping = 1)],
    [
      'a notification published twice',
      'I7',
      (s) => s.topics.notifications.push(record(0, 1, ok, 'n3')),
    ],
    [
      'a key reordered on its topic',
      'I8',
      (s) => {
        s.topics.orders = [
          record(0, 0, ok, 'e4'),
          record(1, 0, gone, 'e2'),
          record(0, 1, ok, 'e1'),
          record(1, 1, gone, 'e5'),
        ];
      },
    ],
    ['a good record dead-lettered', 'I9', (s) => s.deadLetters.orders.push(record(0, 0, ok, 'e1'))],
  ];

  it.each(broken)('bites on %s (%s)', (_what, invariant, breakIt) => {
    const s = settled();
    breakIt(s);
    expect(invariantsOf(s)).toContain(invariant);
  });
});
