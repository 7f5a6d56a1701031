import * as fc from 'fast-check';

/**
 * The orders in which a consumer may be handed the records of several topics, for
 * property tests: each topic's records in their order (one key, one partition), the
 * topics interleaved in any way (Kafka orders nothing across topics), and any record
 * handed over again after it first was (at-least-once delivery, a rewind after a crash).
 */
export function deliveries<T>(
  topics: readonly (readonly T[])[],
  { maxRedeliveries = 4 }: { maxRedeliveries?: number } = {},
): fc.Arbitrary<T[]> {
  const total = topics.reduce((n, records) => n + records.length, 0);
  return fc
    .record({
      picks: fc.array(fc.nat(), { minLength: total, maxLength: total }),
      again: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: maxRedeliveries }),
    })
    .map(({ picks, again }) => {
      const next = topics.map(() => 0);
      const handed: T[] = [];
      for (const pick of picks) {
        const open = topics.flatMap((records, i) => (next[i]! < records.length ? [i] : []));
        const topic = open[pick % open.length]!;
        handed.push(topics[topic]![next[topic]!++]!);
      }
      for (const [which, when] of again) {
        if (handed.length === 0) break;
        const first = which % handed.length;
        const later = first + 1 + (when % (handed.length - first));
        handed.splice(later, 0, handed[first]!);
      }
      return handed;
    });
}

/** The first delivery of each record, in order: what the consumer's inbox lets through. */
export function firstDeliveries<T>(handed: readonly T[]): T[] {
  return handed.filter((record, i) => handed.indexOf(record) === i);
}
