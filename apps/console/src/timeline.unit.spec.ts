import { formatSince, timeline } from './timeline.js';

const placedAt = '2026-01-02T10:00:00.000Z';

describe('timeline', () => {
  it('puts each event in its service lane, timed from placement, compensations named', () => {
    const entries = timeline(placedAt, [
      { type: 'OrderPlaced', source: '/orderflow/orders', occurredAt: placedAt },
      {
        type: 'PaymentAuthorized',
        source: '/orderflow/payments',
        occurredAt: '2026-01-02T10:00:00.400Z',
      },
      {
        type: 'ShipmentFailed',
        source: '/orderflow/shipping',
        occurredAt: '2026-01-02T10:00:01.000Z',
      },
      {
        type: 'OrderCancelled',
        source: '/orderflow/orders',
        occurredAt: '2026-01-02T10:00:01.200Z',
      },
      {
        type: 'PaymentRefunded',
        source: '/orderflow/payments',
        occurredAt: '2026-01-02T10:00:01.500Z',
      },
      { type: 'Audited', source: '/elsewhere/audit', occurredAt: '2026-01-02T10:00:02.000Z' },
    ]);
    expect(entries.map((e) => [e.lane, e.type, e.sinceMs, e.compensation])).toEqual([
      ['orders', 'OrderPlaced', 0, undefined],
      ['payments', 'PaymentAuthorized', 400, undefined],
      ['shipping', 'ShipmentFailed', 1_000, undefined],
      ['orders', 'OrderCancelled', 1_200, 'cancellation'],
      ['payments', 'PaymentRefunded', 1_500, 'refund'],
      [undefined, 'Audited', 2_000, undefined],
    ]);
  });

  it('formats the time since placement in seconds', () => {
    expect([formatSince(1_234), formatSince(0), formatSince(-5)]).toEqual([
      '+1.234 s',
      '+0.000 s',
      '−0.005 s',
    ]);
  });
});
