import { readdirSync, readFileSync } from 'node:fs';

/**
 * What /proc says about the processes the stack started. A pid file names one
 * process, but a daemon may have children (a wrapper's real server, Postgres'
 * helpers); they share its process group, because each daemon starts as a group
 * leader. Linux does not hand out a number that is still some group's id, so while a
 * group lives its id cannot belong to a stranger; the marker check on every member
 * guards against the rest.
 */

/** The command line of a live process (empty for a zombie), or undefined once it is gone. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The process group of a process, or undefined once it is gone. */
export function processGroupOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2, the command name, may hold spaces and parentheses: count from the last ')'.
  const [, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return pgrp === undefined ? undefined : Number(pgrp);
}

/** Every live process in process group `pgid`, whatever its command line. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    // A zombie has exited already: its command line is empty.
    if (processGroupOf(pid) === pgid && commandLineOf(pid)) members.push(pid);
  }
  return members;
}

/**
 * The live processes that belong to the daemon recorded as `pid`: the daemon itself
 * and whatever it left in its process group (say, a child that outlived a SIGKILLed
 * parent), each only if its command line carries `marker`.
 */
export function daemonProcesses(pid: number, marker: string): number[] {
  return groupMembers(pid).filter((member) => commandLineOf(member)?.includes(marker));
}
