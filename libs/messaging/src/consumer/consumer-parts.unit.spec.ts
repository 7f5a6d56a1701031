import { trace } from '@opentelemetry/api';
import { DomainError } from '@orderflow/decider';
import { DlqHeaders, Headers } from '../headers.js';
import { NonRetriableError, isRetriable } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { deadLetterMessage } from './dead-letter.js';
import { prepareDelivery } from './delivery.js';
import { failureKind } from './failure-kind.js';
import type { InboundMessage } from './inbound-message.js';

describe('backoffDelay', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('grows exponentially up to the cap, and full jitter spans 0 to that bound', () => {
    const upper = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, policy, () => 0.9999));
    expect(upper).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('with equal jitter, waits between half and all of the step, never above the cap', () => {
    const smtp = { initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: 'equal' as const };
    expect(backoffDelay(1, smtp, () => 0)).toBe(500);
    expect(backoffDelay(1, smtp, () => 1)).toBe(1_000);
    expect(backoffDelay(2, smtp, () => 1)).toBe(2_000);
    expect(backoffDelay(4, smtp, () => 0.5)).toBe(6_000);
    expect(backoffDelay(50, smtp, () => 1)).toBe(60_000);
    expect(backoffDelay(10_000, { ...smtp, maxDelayMs: 1_000 }, () => 1)).toBe(1_000);
  });

  it('without jitter, waits the bound itself: 200 ms doubling to 5 s for a failing leader', () => {
    const leader = { initialDelayMs: 200, maxDelayMs: 5_000, jitter: 'none' as const };
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, leader, () => 0));
    expect(delays).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
  });
});

describe('error classification', () => {
  it('treats retriable === false (KafkaJS convention) as final, anything else as retriable', () => {
    expect(isRetriable(new NonRetriableError('bad'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('undecodable'), { retriable: false }))).toBe(false);
    expect(isRetriable(new Error('timeout'))).toBe(true);
    expect(isRetriable('a string')).toBe(true);
  });
});

describe('deadLetterMessage', () => {
  it('keeps key, value and headers and adds the failure and the origin', () => {
    const value = Buffer.from('payload');
    const message = deadLetterMessage(
      {
        id: 'e-1',
        topic: 'orders.events',
        partition: 2,
        offset: '41',
        key: 'order-1',
        value,
        headers: { [Headers.id]: 'e-1', [Headers.type]: 'OrderPlaced' },
        timestamp: '0',
      },
      new NonRetriableError('no such customer'),
      1,
      'payments',
      new Date('2025-01-02T03:04:05.000Z'),
    );
    expect(message.key).toBe('order-1');
    expect(message.value).toBe(value);
    expect(message.headers).toEqual({
      [Headers.id]: 'e-1',
      [Headers.type]: 'OrderPlaced',
      [DlqHeaders.reason]: 'no such customer',
      [DlqHeaders.errorClass]: 'NonRetriableError',
      [DlqHeaders.originalTopic]: 'orders.events',
      [DlqHeaders.originalPartition]: '2',
      [DlqHeaders.originalOffset]: '41',
      [DlqHeaders.consumerGroup]: 'payments',
      [DlqHeaders.failedAt]: '2025-01-02T03:04:05.000Z',
      [DlqHeaders.attempts]: '1',
    });
  });
});

describe('failureKind', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it('waits out a database that is down or restarting, never dead-lettering for it', () => {
    for (const code of ['57P01', '57P03', '08006', '08001', '53300', 'ECONNREFUSED', 'ECONNRESET'])
      expect([code, failureKind(withCode(code))]).toEqual([code, 'unavailable']);
    expect(failureKind(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(failureKind(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
  });

  it('waits out anything an error says is unavailable (the schema registry), unless it is final', () => {
    const away = Object.assign(new Error('schema registry unavailable: Timeout (10000ms)'), {
      retriable: true,
      unavailable: true,
    });
    expect(failureKind(away)).toBe('unavailable');
    expect(failureKind(Object.assign(new Error('registry'), { unavailable: false }))).toBe(
      'failed',
    );
    expect(
      failureKind(Object.assign(new Error('final'), { retriable: false, unavailable: true })),
    ).toBe('poison');
  });

  it('tells conflicts, poison and other failures apart', () => {
    expect(failureKind(withCode('40P01'))).toBe('conflict');
    expect(failureKind(withCode('40001'))).toBe('conflict');
    expect(failureKind(new NonRetriableError('bad'))).toBe('poison');
    expect(failureKind(new DomainError('a closed account takes no deposits'))).toBe('poison');
    expect(failureKind(withCode('23505'))).toBe('failed');
    expect(failureKind(new Error('database says no'))).toBe('failed');
  });
});

describe('prepareDelivery', () => {
  const record: InboundMessage = {
    id: 'e-7',
    topic: 'orders.events',
    partition: 0,
    offset: '7',
    key: 'order-7',
    value: Buffer.from('event'),
    headers: { [Headers.id]: 'e-7' },
    timestamp: '0',
  };
  const prepare = (message: InboundMessage) => {
    const decoded: string[] = [];
    const delivery = prepareDelivery(message, {
      groupId: 'g',
      tracer: trace.getTracer('test'),
      decode: (m) => {
        decoded.push(m.offset);
        return 'decoded';
      },
    });
    return { delivery, decoded };
  };

  it.each([
    ['no ce_id', { id: undefined }, 'record has no ce_id header'],
    ['no key', { key: null }, 'record has no key'],
    ['an empty key', { key: '' }, 'record has no key'],
  ])('refuses a record with %s before decoding it', async (_, change, reason) => {
    const { delivery, decoded } = prepare({ ...record, ...change });
    expect((await delivery).poison).toEqual(new NonRetriableError(reason));
    expect(decoded).toEqual([]);
  });

  it('decodes a record with both, to be locked under its key', async () => {
    const { delivery, decoded } = prepare(record);
    expect(await delivery).toMatchObject({ decoded: 'decoded', keys: ['order-7'] });
    expect((await delivery).poison).toBeUndefined();
    expect(decoded).toEqual(['7']);
  });
});
