import type { DeadLetter } from '../dlq/dead-letters.js';
import { Headers } from '../headers.js';

/**
 * Dead letters per source record. A poison record on a topic that three consumer
 * groups read is dead-lettered by each of them: three letters, one record.
 */
export interface SourceRecord {
  /** `<topic>[<partition>]@<offset>` where the record was consumed from. */
  source: string;
  key: string | null;
  eventId: string | undefined;
  eventType: string | undefined;
  letters: DeadLetter[];
}

export function bySourceRecord(letters: readonly DeadLetter[]): SourceRecord[] {
  const records = new Map<string, SourceRecord>();
  for (const l of letters) {
    // A record without the dead-letter headers was not written by a consumer: alone.
    const source = l.originalTopic
      ? `${l.originalTopic}[${l.originalPartition ?? '?'}]@${l.originalOffset ?? '?'}`
      : `not a dead letter: ${l.partition}@${l.offset}`;
    const record = records.get(source) ?? {
      source,
      key: l.key,
      eventId: l.headers[Headers.id],
      eventType: l.headers[Headers.type],
      letters: [],
    };
    record.letters.push(l);
    records.set(source, record);
  }
  return [...records.values()];
}

/** One line per source record: where it came from, which groups gave up on it, and why. */
export function formatSourceRecord(record: SourceRecord): string {
  const groups = record.letters.map((l) => l.consumerGroup ?? '?');
  const reasons = [
    ...new Set(record.letters.map((l) => `${l.errorClass ?? 'Error'}: ${l.reason ?? ''}`)),
  ];
  const last = record.letters
    .map((l) => l.failedAt ?? '')
    .sort()
    .at(-1);
  const at = record.letters.map((l) => `${l.partition}@${l.offset}`);
  return [
    record.source,
    `key=${record.key ?? '-'}`,
    `id=${record.eventId ?? '-'}`,
    `groups=${groups.join(',')}`,
    `letters=${at.join(',')}`,
    `at=${last || '?'}`,
    reasons.join(' | '),
  ].join('  ');
}
