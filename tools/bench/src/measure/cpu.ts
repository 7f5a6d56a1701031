import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of processes from /proc/<pid>/stat: utime + stime, plus cutime + cstime
 * (children that exited and were reaped, such as Postgres backends that closed), plus
 * the same for every live descendant (the postmaster's backends, a tsx launcher's node).
 */
let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond =
        Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  ppid: number;
  ticks: number;
}

/** Pure: the fields of one /proc/<pid>/stat line that matter here. */
export function parseProcStat(line: string): ProcStat | undefined {
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number) => Number(rest[n - 3]);
  const ppid = field(4);
  const ticks = field(14) + field(15) + field(16) + field(17);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : undefined;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process's stat, once per sample (a few hundred small reads). */
function allStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) out.set(pid, stat);
  }
  return out;
}

/** CPU milliseconds of each named process tree (undefined: not running). */
export type CpuSample = Record<string, number | undefined>;

export function sampleCpu(roots: Record<string, number | undefined>): CpuSample {
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const treeTicks = (pid: number): number => {
    let total = stats.get(pid)?.ticks ?? 0;
    for (const child of children.get(pid) ?? []) total += treeTicks(child);
    return total;
  };
  const ms = 1000 / clockTicks();
  const out: CpuSample = {};
  for (const [name, pid] of Object.entries(roots)) {
    out[name] = pid !== undefined && stats.has(pid) ? treeTicks(pid) * ms : undefined;
  }
  const own = process.cpuUsage();
  out['bench (load generator)'] = (own.user + own.system) / 1000;
  return out;
}

/** Milliseconds of CPU each process tree used between two samples. */
export function cpuDelta(before: CpuSample, after: CpuSample): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const [name, end] of Object.entries(after)) {
    const start = before[name];
    out[name] = end !== undefined && start !== undefined ? Math.max(0, end - start) : undefined;
  }
  return out;
}
