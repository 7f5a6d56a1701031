/**
 * Command-line options of `npm run bench`. Pure: parsing is tested without running
 * anything.
 */

/** The scenarios in the order a run executes them (those on the saga first). */
export const scenarioIds = [
  'throughput',
  'latency',
  'burst',
  'cpu',
  'tracing',
  'restart',
  'db',
  'overload',
  'relay',
  'projection',
] as const;
export type ScenarioId = (typeof scenarioIds)[number];

/** The letters and a few words people will type, mapped to scenarios. */
const aliases: Record<string, readonly ScenarioId[]> = {
  a: ['throughput', 'burst'],
  b: ['latency'],
  c: ['relay'],
  d: ['db'],
  e: ['projection'],
  f: ['burst'],
  g: ['cpu'],
  h: ['tracing'],
  i: ['restart'],
  j: ['overload'],
  email: ['burst'],
  idle: ['restart'],
  pgbench: ['db'],
};

export interface BenchOptions {
  quick: boolean;
  reps: number;
  only: readonly ScenarioId[];
  /** The checkout whose services are measured (a git worktree of an older commit, say). */
  root: string;
  /** Where results go; undefined: tools/bench/results/<timestamp>/. */
  out: string | undefined;
  /** Also write docs/bench/reference.{json,md}. */
  reference: boolean;
  seed: number;
  /**
   * Records per transaction in the db scenario's pgbench scripts (B); undefined: the
   * mean the services reached at the max sustained rate, else 10.
   */
  dbBatch: number | undefined;
  help: boolean;
}

export const usage = `usage: npm run bench -- [options]

  --quick             1 repetition, short windows, small sizes (under 2 minutes)
  --reps N            repetitions per scenario (default 3; quick 1)
  --only s1,s2        run only these scenarios: ${scenarioIds.join(', ')}
                      (or the issue's letters a-j; email = burst, idle = restart)
  --root DIR          checkout whose services are measured (default: this repository)
  --out DIR           results folder (default tools/bench/results/<timestamp>)
  --reference         also write docs/bench/reference.json and reference.md
  --seed N            seed of the order stream (default 42)
  --db-batch N        records per transaction in the db scenario's pgbench scripts
                      (default: the mean per consumer transaction at the max sustained
                      rate of this run's throughput scenario, else 10)`;

export function parseOptions(argv: readonly string[], defaultRoot: string): BenchOptions {
  const options: BenchOptions = {
    quick: false,
    reps: 0,
    only: scenarioIds,
    root: defaultRoot,
    out: undefined,
    reference: false,
    seed: 42,
    dbBatch: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        options.quick = true;
        break;
      case '--reps':
        options.reps = positiveInt(flag, value());
        break;
      case '--only':
        options.only = parseScenarios(value());
        break;
      case '--root':
        options.root = value();
        break;
      case '--out':
        options.out = value();
        break;
      case '--reference':
        options.reference = true;
        break;
      case '--seed':
        options.seed = positiveInt(flag, value());
        break;
      case '--db-batch':
        options.dbBatch = positiveInt(flag, value());
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (options.reps === 0) options.reps = options.quick ? 1 : 3;
  return options;
}

export function parseScenarios(list: string): ScenarioId[] {
  const wanted = new Set<ScenarioId>();
  for (const raw of list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const ids = (scenarioIds as readonly string[]).includes(raw)
      ? [raw as ScenarioId]
      : aliases[raw];
    if (!ids) throw new Error(`unknown scenario '${raw}' (known: ${scenarioIds.join(', ')})`);
    for (const id of ids) wanted.add(id);
  }
  if (wanted.size === 0) throw new Error('--only needs at least one scenario');
  return scenarioIds.filter((id) => wanted.has(id));
}

function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a positive integer, got ${raw}`);
  return n;
}
