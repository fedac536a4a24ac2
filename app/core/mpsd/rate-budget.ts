/**
 * MPSD's fine-grained rate limit, kept on our side so a fan-out paces itself instead of
 * collecting 429s: per user per title, 30 requests per 15 s (burst) and 300 per 300 s
 * (sustain), both windows sliding and counted at the same time.
 */
import { HandleStudioError } from '../../shared/errors.ts';
import type { Clock } from '../ports.ts';

export interface RateWindow {
  /** How many requests may start inside any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

/** MPSD's two windows (same in every sandbox). */
export const MPSD_RATE_WINDOWS: readonly RateWindow[] = [
  { limit: 30, windowMs: 15_000 },
  { limit: 300, windowMs: 300_000 },
];

export interface RateBudget {
  /**
   * Resolves when one more request may go out now, and counts it. Callers are served in
   * the order they asked. Rejects with HandleStudioError CANCELLED when `signal` aborts first.
   */
  take(signal?: AbortSignal): Promise<void>;
  /** After a 429/503: nobody takes from this budget for `retryAfterMs`. */
  backOff(retryAfterMs: number): void;
}

export interface RateBudgetOptions {
  clock: Clock;
  windows?: readonly RateWindow[];
  /**
   * Added to every window. MPSD counts a request when it arrives, we count it when it
   * leaves; without slack, a later request that travels faster than an earlier one lands
   * inside the window on MPSD's side and is throttled.
   */
  safetyMarginMs?: number;
}

const cancelled = () => new HandleStudioError('CANCELLED', 'Cancelled while waiting for the rate limit: nothing was sent.');

/** One user's budget. Create one per signed-in user (profile) and share it between all sends. */
export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const { clock } = options;
  const windows = options.windows ?? MPSD_RATE_WINDOWS;
  const margin = options.safetyMarginMs ?? 250;
  for (const window of windows) {
    if (!Number.isInteger(window.limit) || window.limit < 1 || !(window.windowMs > 0)) {
      throw new HandleStudioError('VALIDATION', 'A rate window needs a whole limit of at least 1 and a positive length in ms.');
    }
  }
  if (!(margin >= 0)) throw new HandleStudioError('VALIDATION', 'safetyMarginMs must be 0 or more.');
  // Only the newest `largestLimit` start times can ever decide a wait.
  const largestLimit = Math.max(0, ...windows.map((window) => window.limit));

  const starts: number[] = [];
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let queue: Promise<void> = Promise.resolve();

  /** How long until one more start fits every window (<= 0: now). */
  function waitFor(now: number): number {
    let wait = pausedUntil - now;
    for (const window of windows) {
      const decisive = starts[starts.length - window.limit];
      if (decisive !== undefined) wait = Math.max(wait, decisive + window.windowMs + margin - now);
    }
    return wait;
  }

  async function acquire(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const now = clock.now();
      const wait = waitFor(now);
      if (wait <= 0) {
        starts.push(now);
        if (starts.length > largestLimit) starts.splice(0, starts.length - largestLimit);
        return;
      }
      try {
        await clock.sleep(wait, signal);
      } catch {
        throw cancelled();
      }
    }
  }

  return {
    take(signal) {
      if (signal?.aborted) return Promise.reject(cancelled());
      const turn = queue.then(() => acquire(signal));
      queue = turn.catch(() => undefined);
      if (signal === undefined) return turn;
      // A caller that gives up while others are ahead of it hears so at once, not at its turn
      // (its turn then finds the signal aborted and takes nothing).
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(cancelled());
        signal.addEventListener('abort', onAbort, { once: true });
        turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
    backOff(retryAfterMs) {
      if (!(retryAfterMs > 0)) return;
      pausedUntil = Math.max(pausedUntil, clock.now() + retryAfterMs);
    },
  };
}
