/**
 * A Clock for tests and simulations whose sleeps take no real time: each sleeper is woken in
 * order of its wake-up time on the next turn of the event loop, and `now()` jumps forward to
 * that time. Waits of minutes (Retry-After, MPSD's 15 s window) then cost microseconds while
 * their order and length stay exact and can be asserted.
 */
import { HandleStudioError } from '../../shared/errors.ts';
import type { Clock } from '../ports.ts';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

export interface VirtualClock extends Clock {
  /** Every sleep asked for, in ms, in the order asked (aborted ones included). */
  readonly sleeps: number[];
}

/** Starts at `startMs` (a fixed date by default, so ISO timestamps are stable). */
export function createVirtualClock(startMs = Date.UTC(2026, 0, 1)): VirtualClock {
  let now = startMs;
  const sleepers: Sleeper[] = [];
  const sleeps: number[] = [];
  let wakeScheduled = false;

  function wakeEarliest(): void {
    wakeScheduled = false;
    sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
    const sleeper = sleepers.shift();
    if (sleeper === undefined) return;
    now = Math.max(now, sleeper.wakeAt);
    sleeper.resolve();
    scheduleWake();
  }

  function scheduleWake(): void {
    if (wakeScheduled || sleepers.length === 0) return;
    wakeScheduled = true;
    setImmediate(wakeEarliest);
  }

  return {
    sleeps,
    now: () => now,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        const cancelled = () => new HandleStudioError('CANCELLED', 'Cancelled.');
        if (signal?.aborted) return reject(cancelled());
        const sleeper: Sleeper = {
          wakeAt: now + Math.max(0, ms),
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = sleepers.indexOf(sleeper);
          if (index >= 0) sleepers.splice(index, 1);
          reject(cancelled());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
        scheduleWake();
      });
    },
  };
}
