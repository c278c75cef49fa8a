import type { Clock } from '../../src/auth/clock.js';

/** A clock that never waits: each sleep moves time forward at once and is recorded. */
export function fakeClock(start = Date.parse('2026-12-05T12:00:00Z')): Clock & { sleeps: number[]; advance(milliseconds: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (milliseconds) => void (now += milliseconds),
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      now += milliseconds;
    },
  };
}
