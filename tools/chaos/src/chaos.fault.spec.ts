import { renderReport, passed } from './report.js';
import { runChaos } from './run.js';
import { faultKinds } from './schedule.js';

/**
 * The chaos run in npm test: a seeded two-minute mix of every saga path while every kind
 * of fault is injected and healed (SIGKILLs, two instances, a paused consumer, crash
 * points, restarts of a private Kafka, Postgres and registry), then I1–I9. And the
 * proof that the check bites: the same runner on a build that loses outbox rows fails.
 */
describe('chaos', () => {
  it('keeps every invariant under a seeded schedule of every kind of fault', async () => {
    const result = await runChaos({
      orders: 900,
      durationS: 90,
      seed: 20261130,
      out: undefined,
      faults: faultKinds,
      quiesceTimeoutS: 600,
      help: false,
    });
    // What failed, named in the diff: violations, answers the client did not expect, or
    // no quiescence. The whole table goes to the log.
    console.log(renderReport(result));
    expect({
      violations: result.check.violations,
      unexpectedAnswers: result.load.refused,
      settled: result.quiesceMs !== undefined,
    }).toEqual({ violations: [], unexpectedAnswers: [], settled: true });
    expect(passed(result)).toBe(true);
    // The schedule really injected faults of several kinds, service and infrastructure.
    const kinds = new Set(result.faults.map((f) => f.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
    // Bounds a hung run only: the private stack, the load and quiescence on a busy machine.
  }, 1_800_000);

  it('fails a build whose committed events are not all published (I7)', async () => {
    const result = await runChaos(
      {
        orders: 120,
        durationS: 20,
        seed: 7,
        out: undefined,
        faults: [],
        quiesceTimeoutS: 300,
        sabotage: 'lose-outbox-rows',
        help: false,
      },
      [],
    );
    expect(passed(result)).toBe(false);
    expect(result.check.byInvariant['I7']).toBeGreaterThan(0);
  }, 900_000);
});
