import { renderReport, passed } from './report.js';
import { runChaos, sessionTimeoutMs } from './run.js';
import { faultKinds, networkFaults, networkLinks, schedule, serviceNames } from './schedule.js';

/**
 * The chaos run in npm test: a seeded 90-second mix of every saga path while faults of
 * most kinds are injected and healed (SIGKILLs, two instances, a paused consumer,
 * restarts of a private Kafka, Postgres and registry, latency, a bandwidth limit and a
 * cut between a service and Kafka or Postgres), then I1–I9. And the proof that the
 * check bites: the same runner on a build that loses outbox rows fails.
 */
describe('chaos', () => {
  it('keeps every invariant under a seeded schedule of faults of nine kinds', async () => {
    const options = {
      orders: 900,
      durationS: 90,
      // A seed whose 90 s schedule holds each network fault, on both kinds of link.
      seed: 20263447,
      out: undefined,
      faults: faultKinds,
      quiesceTimeoutS: 600,
      help: false,
    };
    const planned = schedule({
      seed: options.seed,
      durationMs: options.durationS * 1_000,
      kinds: options.faults,
      sessionTimeoutMs,
    });
    expect(new Set(planned.filter((f) => f.link).map((f) => f.kind))).toEqual(
      new Set(networkFaults),
    );
    expect(new Set(planned.map((f) => f.link).filter(Boolean))).toEqual(new Set(networkLinks));

    const result = await runChaos(options, planned);
    // What failed, named in the diff: violations, answers the client did not expect, or
    // no quiescence. The whole table goes to the log.
    console.log(renderReport(result));
    expect({
      violations: result.check.violations,
      unexpectedAnswers: result.load.refused,
      settled: result.quiesceMs !== undefined,
      faultsFailed: result.faults.filter((f) => f.note).map((f) => f.note),
    }).toEqual({ violations: [], unexpectedAnswers: [], settled: true, faultsFailed: [] });
    expect(passed(result)).toBe(true);
    // The schedule really injected faults of several kinds, service and infrastructure.
    const kinds = new Set(result.faults.map((f) => f.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
    // Every service talked to Kafka and to Postgres through proxies of its own: the
    // network faults hit what they name.
    const proxies = serviceNames.flatMap((s) => networkLinks.map((l) => `${s}-${l}`));
    expect(Object.keys(result.proxied ?? {}).sort()).toEqual(proxies.sort());
    expect(Object.entries(result.proxied ?? {}).filter(([, bytes]) => !(bytes > 0))).toEqual([]);
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
