import { DeadLetterHeaderNames, deadLetterTopicOf } from '@orderflow/events';
import { deadLetterMessage, defaultDeadLetterTopic } from './consumer/dead-letter.js';
import { Headers } from './headers.js';

// The event contract (libs/events, served as AsyncAPI) documents what this library
// writes on dead-lettering; these keep the two in step.
describe('dead letters as the contract documents them', () => {
  it('go to the topic the contract names', () => {
    expect(defaultDeadLetterTopic('orders.events')).toBe(deadLetterTopicOf('orders.events'));
    expect(defaultDeadLetterTopic('p.payments.events')).toBe('p.payments.events.dlq');
  });

  it('carry the original headers and exactly the dlq-* headers the contract lists', () => {
    const original = { [Headers.id]: 'e-1', [Headers.type]: 'orderflow.orders.OrderPlaced' };
    const letter = deadLetterMessage(
      {
        id: 'e-1',
        topic: 'orders.events',
        partition: 2,
        offset: '41',
        key: 'o-1',
        value: Buffer.from([0, 0, 0, 0, 7]),
        headers: original,
        timestamp: '0',
      },
      new TypeError('no such schema'),
      3,
      'payments',
      new Date('2026-01-01T00:00:00Z'),
    );
    const written = Object.keys(letter.headers ?? {}).filter((h) => h.startsWith('dlq-'));
    const documented = Object.values(DeadLetterHeaderNames).filter((h) => h !== 'dlq-redriven-at');
    expect(written.sort()).toEqual([...documented].sort());
    expect(letter.headers).toMatchObject({
      ...original,
      'dlq-reason': 'no such schema',
      'dlq-error-class': 'TypeError',
      'dlq-original-topic': 'orders.events',
      'dlq-original-partition': '2',
      'dlq-original-offset': '41',
      'dlq-consumer-group': 'payments',
      'dlq-failed-at': '2026-01-01T00:00:00.000Z',
      'dlq-attempts': '3',
    });
    expect(letter).toMatchObject({ key: 'o-1', value: Buffer.from([0, 0, 0, 0, 7]) });
  });
});
