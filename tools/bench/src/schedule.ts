/**
 * Open-loop arrival schedules. Each request has a time at which it is due, fixed
 * before the run: the generator sends it then whatever happened to earlier requests,
 * and latency is measured from that time, so a stalled server cannot hide its stall by
 * slowing the load down (coordinated omission). Pure.
 */

/** Offsets (ms from the start) of `rate` requests per second for `durationMs`, evenly spaced. */
export function evenSchedule(rate: number, durationMs: number): number[] {
  if (rate <= 0 || durationMs <= 0) return [];
  const count = Math.floor((rate * durationMs) / 1000);
  const gap = 1000 / rate;
  return Array.from({ length: count }, (_, i) => i * gap);
}

/**
 * How many of a schedule's requests are due `elapsedMs` after the start, given that
 * `sent` have gone already: the generator sends that many at once, which also catches
 * up after an event-loop stall instead of silently dropping the rate.
 */
export function dueNow(schedule: readonly number[], sent: number, elapsedMs: number): number {
  let due = sent;
  while (due < schedule.length && (schedule[due] ?? Number.POSITIVE_INFINITY) <= elapsedMs) due++;
  return due - sent;
}

/** The time the next request is due, or undefined when the schedule is done. */
export function nextDue(schedule: readonly number[], sent: number): number | undefined {
  return schedule[sent];
}
