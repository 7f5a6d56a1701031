/**
 * The pgbench scripts in tools/bench/pgbench: one folder per service, its files (in
 * name order) one batch of orders' worth of that service's transactions. Pure helpers:
 * script expansion (includes, the batch size, repeated lines, initial variables) and
 * output parsing; the scenario runs pgbench.
 */

const includeLine = /^--\s*@include\s+(\S+)((?:\s+\w+=\S+)*)\s*$/;
const repeatLine = /^--\s*@repeat\s+(\d+)\s*$/;
const endLine = /^--\s*@end\s*$/;
const defineLine = /^--\s*@define\s+(\w+)=(\S*)\s*$/;
const placeholder = /\{\{(\w+)\}\}/g;
/** `{{i}}` numbers the copies of a repeated block; it is left for `expandRepeats`. */
const REPEAT_INDEX = 'i';

/**
 * Replaces each `-- @include path k=v …` line by the file at `path` (relative to the
 * scripts folder), with `{{k}}` replaced by `v`, or else by the global of that name
 * (`{{batch}}`); includes may nest.
 */
export function expandIncludes(
  text: string,
  read: (path: string) => string,
  depth = 0,
  globals: Readonly<Record<string, string>> = {},
): string {
  if (depth > 5) throw new Error('pgbench scripts: @include nested too deeply');
  return text
    .split('\n')
    .map((line) => {
      const match = includeLine.exec(line.trim());
      if (!match) return line;
      const [, file = '', rawParams = ''] = match;
      const params = new Map(
        rawParams
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((pair) => {
            const eq = pair.indexOf('=');
            return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
          }),
      );
      const body = read(file).replace(placeholder, (whole, name: string) => {
        const value = params.get(name) ?? globals[name];
        if (value !== undefined) return value;
        if (name === REPEAT_INDEX) return whole;
        throw new Error(`pgbench scripts: ${file} needs ${name}= (in "${line.trim()}")`);
      });
      return expandIncludes(body.trimEnd(), read, depth + 1, globals);
    })
    .join('\n');
}

/**
 * Copies the lines between `-- @repeat N` and `-- @end` N times, `{{i}}` numbered 1 to
 * N: pgbench has no loops, and some of the services' statements run once per order
 * (the read after each POST /orders, say). Blocks do not nest.
 */
export function expandRepeats(text: string): string {
  const out: string[] = [];
  let block: { times: number; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const start = repeatLine.exec(line.trim());
    if (start) {
      if (block) throw new Error('pgbench scripts: @repeat blocks do not nest');
      block = { times: Number(start[1]), lines: [] };
    } else if (endLine.test(line.trim())) {
      if (!block) throw new Error('pgbench scripts: @end without @repeat');
      for (let i = 1; i <= block.times; i++) {
        out.push(...block.lines.map((l) => l.replaceAll(`{{${REPEAT_INDEX}}}`, String(i))));
      }
      block = undefined;
    } else if (block) block.lines.push(line);
    else out.push(line);
  }
  if (block) throw new Error('pgbench scripts: @repeat without @end');
  return out.join('\n');
}

/**
 * One script file ready for pgbench: includes expanded, `{{name}}` replaced by the
 * globals (`{{batch}}`: the orders per script run), repeated blocks copied.
 */
export function expandScript(
  text: string,
  read: (path: string) => string,
  globals: Readonly<Record<string, string>>,
): string {
  const included = expandIncludes(text, read, 0, globals).replace(
    placeholder,
    (whole, name: string) => globals[name] ?? whole,
  );
  const expanded = expandRepeats(included);
  const left = /\{\{(\w+)\}\}/.exec(expanded);
  if (left) throw new Error(`pgbench scripts: nothing replaces {{${left[1]}}}`);
  return expanded;
}

/**
 * The variables a script starts with (`-- @define name=value` lines), for pgbench's
 * `-D name=value`: a value a transaction carries over to the next run of the script
 * (the orders one batch placed, which the next one confirms) needs one at the start.
 */
export function scriptDefines(script: string): [string, string][] {
  const defines = new Map<string, string>();
  for (const line of script.split('\n')) {
    const match = defineLine.exec(line.trim());
    if (match?.[1] !== undefined) defines.set(match[1], match[2] ?? '');
  }
  return [...defines];
}

export interface PgbenchResult {
  tps: number | undefined;
  transactions: number | undefined;
  failed: number;
  /** The first error pgbench reported (a client aborted on an SQL error, say). */
  error: string | undefined;
}

/** Reads pgbench's summary (PostgreSQL 13 to 17 formats). */
export function parsePgbenchOutput(output: string): PgbenchResult {
  const number = (re: RegExp) => {
    const m = re.exec(output);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  };
  const error = output
    .split('\n')
    .find((l) => /aborted|ERROR:|FATAL:|error:/i.test(l) && !/number of failed/i.test(l))
    ?.trim();
  return {
    tps: number(
      /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/,
    ),
    transactions: number(/number of transactions actually processed: (\d+)/),
    failed: number(/number of failed transactions: (\d+)/) ?? 0,
    error,
  };
}

/**
 * The four services' SQL on one database: each order costs 1/(orders/s) of it in every
 * service (a script run is a batch of B orders: orders/s = pgbench's tps × B).
 */
export function combinedCeiling(ordersPerSecond: readonly number[]): number | undefined {
  if (ordersPerSecond.length === 0 || ordersPerSecond.some((t) => !(t > 0))) return undefined;
  return 1 / ordersPerSecond.reduce((sum, rate) => sum + 1 / rate, 0);
}

/** The records per transaction the bench uses by default when no saga rate measured one. */
export const DEFAULT_DB_BATCH = 10;

/**
 * The batch size B of the pgbench scripts: `--db-batch` if given, else the mean records
 * per consumer transaction the services reached at the max sustained rate (rounded, at
 * least 1), else DEFAULT_DB_BATCH.
 */
export function dbBatchSize(
  option: number | undefined,
  measuredMean: number | undefined,
): { batch: number; source: 'option' | 'measured' | 'default' } {
  if (option !== undefined) return { batch: option, source: 'option' };
  if (measuredMean !== undefined && Number.isFinite(measuredMean) && measuredMean > 0) {
    return { batch: Math.max(1, Math.round(measuredMean)), source: 'measured' };
  }
  return { batch: DEFAULT_DB_BATCH, source: 'default' };
}

/**
 * What the scripts' README says they mirror: "Mirrors commit: <sha>", and whatever
 * follows the sha on that line ("<sha> with the batched consumer, and later").
 */
export function mirroredCommit(readme: string): string | undefined {
  const match = /^Mirrors commit:\s*([0-9a-f]{7,40})(.*)$/m.exec(readme);
  if (!match?.[1]) return undefined;
  const rest = (match[2] ?? '').trim().replace(/\.$/, '');
  return rest ? `${match[1]} ${rest}` : match[1];
}
