/**
 * Command-line options of `npm run chaos`. Pure: parsing is tested without running
 * anything.
 */
import { faultKinds } from './schedule.js';
import type { FaultKind } from './schedule.js';

export interface ChaosOptions {
  orders: number;
  /** Seconds of load; faults are injected during it, and all healed when it ends. */
  durationS: number;
  seed: number;
  /** Where the JSON result goes; undefined: tools/chaos/results/<timestamp>.json. */
  out: string | undefined;
  /** The kinds of fault the schedule draws from. */
  faults: readonly FaultKind[];
  /**
   * Restarts of Kafka, Postgres and the registry need infrastructure of the run's own:
   * a private stack (own state directory and ports) is started when any is scheduled.
   */
  quiesceTimeoutS: number;
  /**
   * Test-only: run a deliberately broken system, to prove the check bites.
   * `lose-outbox-rows`: every 40th outbox row of orders vanishes once committed, as
   * with a relay that deletes before it sends and dies in between.
   */
  sabotage?: Sabotage | undefined;
  help: boolean;
}

export const sabotages = ['lose-outbox-rows'] as const;
export type Sabotage = (typeof sabotages)[number];

export const usage = `usage: npm run chaos -- [options]

  --orders N            orders to place (default 500)
  --duration S          seconds of load; faults happen during it (default 60)
  --seed X              seed of the order mix and the fault schedule (default 1)
  --faults k1,k2        fault kinds to draw from (default: all):
                        ${faultKinds.join(', ')}
  --out FILE            JSON result (default tools/chaos/results/<timestamp>.json)
  --quiesce-timeout S   how long the system may take to settle once healed (default 600)
  --sabotage KIND       test-only, proves the check bites: ${sabotages.join(', ')}

Exits 1 when any invariant (docs/invariants.md) is violated.`;

export function parseOptions(argv: readonly string[]): ChaosOptions {
  const options: ChaosOptions = {
    orders: 500,
    durationS: 60,
    seed: 1,
    out: undefined,
    faults: faultKinds,
    quiesceTimeoutS: 600,
    help: false,
  };
  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const positive = (flag: string): number => {
    const n = Number(value(flag));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
    return n;
  };
  while (args.length > 0) {
    const flag = args.shift()!;
    switch (flag) {
      case '--orders':
        options.orders = positive(flag);
        break;
      case '--duration':
        options.durationS = positive(flag);
        break;
      case '--seed':
        options.seed = positive(flag);
        break;
      case '--out':
        options.out = value(flag);
        break;
      case '--quiesce-timeout':
        options.quiesceTimeoutS = positive(flag);
        break;
      case '--faults': {
        const kinds = value(flag).split(',').filter(Boolean);
        const unknown = kinds.filter((k) => !(faultKinds as readonly string[]).includes(k));
        if (unknown.length > 0)
          throw new Error(
            `--faults: unknown kind ${unknown.join(', ')} (known: ${faultKinds.join(', ')})`,
          );
        options.faults = kinds as FaultKind[];
        break;
      }
      case '--sabotage': {
        const kind = value(flag);
        if (!(sabotages as readonly string[]).includes(kind))
          throw new Error(`--sabotage: unknown kind ${kind} (known: ${sabotages.join(', ')})`);
        options.sabotage = kind as Sabotage;
        break;
      }
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}
