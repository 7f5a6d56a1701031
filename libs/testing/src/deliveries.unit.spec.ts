import * as fc from 'fast-check';
import { deliveries, firstDeliveries } from './deliveries.js';

const topics = fc.array(
  fc.array(fc.nat(), { maxLength: 5 }).map((values) => values.map((value) => ({ value }))),
  { maxLength: 4 },
);

describe('deliveries', () => {
  it('hands over every record, each topic in order, again only after it first was', () => {
    fc.assert(
      fc.property(
        topics.chain((t) => deliveries(t).map((handed) => ({ topics: t, handed }))),
        ({ topics: t, handed }) => {
          const first = firstDeliveries(handed);
          expect(first).toHaveLength(t.flat().length);
          for (const records of t) {
            expect(first.filter((r) => records.includes(r))).toEqual(records);
          }
          handed.forEach((record, i) => {
            expect(handed.indexOf(record)).toBeLessThanOrEqual(i);
          });
          expect(handed.length - first.length).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('can interleave topics and deliver again', () => {
    const a = [{ value: 1 }, { value: 2 }];
    const b = [{ value: 3 }];
    const seen = fc.sample(deliveries([a, b]), { numRuns: 200, seed: 1 });
    const orders = seen.map((handed) => handed.map((r) => r.value).join());
    expect(orders).toEqual(expect.arrayContaining(['1,2,3', '1,3,2', '3,1,2']));
    expect(seen.some((handed) => handed.length > 3)).toBe(true);
  });
});
