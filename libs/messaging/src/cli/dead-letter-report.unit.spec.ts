import type { DeadLetter } from '../dlq/dead-letters.js';
import { bySourceRecord, formatSourceRecord } from './dead-letter-report.js';

const letter = (offset: string, group: string, original: Partial<DeadLetter> = {}): DeadLetter => ({
  partition: 0,
  offset,
  key: 'order-1',
  value: null,
  headers: { ce_id: 'event-1' },
  reason: 'cannot decode',
  errorClass: 'NonRetriableError',
  originalTopic: 'orders.events',
  originalPartition: '2',
  originalOffset: '41',
  consumerGroup: group,
  failedAt: `2026-01-02T10:00:0${offset}.000Z`,
  attempts: '1',
  ...original,
});

describe('dead letters per source record', () => {
  it('puts the letters of several groups for one record on one line', () => {
    const records = bySourceRecord([
      letter('0', 'payments'),
      letter('1', 'shipping', { reason: 'timed out', errorClass: 'Error' }),
      letter('2', 'payments', { originalOffset: '42', key: 'order-2' }),
    ]);
    expect(records.map(formatSourceRecord)).toEqual([
      'orders.events[2]@41  key=order-1  id=event-1  groups=payments,shipping  letters=0@0,0@1  at=2026-01-02T10:00:01.000Z  NonRetriableError: cannot decode | Error: timed out',
      'orders.events[2]@42  key=order-2  id=event-1  groups=payments  letters=0@2  at=2026-01-02T10:00:02.000Z  NonRetriableError: cannot decode',
    ]);
  });

  it('keeps a record without dead-letter headers apart', () => {
    const [record] = bySourceRecord([letter('5', 'payments', { originalTopic: undefined })]);
    expect(record?.source).toBe('not a dead letter: 0@5');
  });
});
