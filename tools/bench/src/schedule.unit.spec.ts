import { dueNow, evenSchedule, nextDue } from './schedule.js';

describe('open-loop schedule', () => {
  it('spaces requests evenly over the window', () => {
    expect(evenSchedule(4, 1_000)).toEqual([0, 250, 500, 750]);
    expect(evenSchedule(100, 10_000)).toHaveLength(1_000);
    expect(evenSchedule(0, 1_000)).toEqual([]);
  });

  it('sends what is due, catching up after a stall instead of dropping requests', () => {
    const schedule = evenSchedule(10, 1_000);
    expect(dueNow(schedule, 0, 0)).toBe(1);
    expect(dueNow(schedule, 1, 50)).toBe(0);
    expect(dueNow(schedule, 1, 450)).toBe(4);
    expect(dueNow(schedule, 5, 5_000)).toBe(5);
    expect(nextDue(schedule, 5)).toBe(500);
    expect(nextDue(schedule, 10)).toBeUndefined();
  });
});
