/**
 * MPSD's fine-grained rate limiting (reference §4): per user per title, two sliding windows
 * at once, 30 requests per 15 s (burst) and 300 per 300 s (sustain). Throttled requests are
 * not served, so they do not use burst budget, but they still count toward the sustain
 * window: a client that hammers through 429s keeps itself throttled for longer.
 */

export interface RateWindow {
  maxRequests: number;
  periodInSeconds: number;
}

export const BURST: RateWindow = { maxRequests: 30, periodInSeconds: 15 };
export const SUSTAIN: RateWindow = { maxRequests: 300, periodInSeconds: 300 };

export interface RateBudget {
  burst: RateWindow;
  sustain: RateWindow;
}

/** Every MPSD call (mpsd-handles.md §4). */
export const MPSD_BUDGET: RateBudget = { burst: BURST, sustain: SUSTAIN };
/**
 * Search-handle calls, reads and writes counted apart: 1 per 15 s, 20 per 300 s each
 * (mpsd-sessions-and-invitees.md §4, live-fine-grained-rate-limiting.md:151).
 */
export const SEARCH_HANDLE_BUDGET: RateBudget = {
  burst: { maxRequests: 1, periodInSeconds: 15 },
  sustain: { maxRequests: 20, periodInSeconds: 300 },
};

/** The 429 body MPSD sends, plus how long to wait. */
export interface Throttle {
  retryAfterSeconds: number;
  body: { version: 1; currentRequests: number; maxRequests: number; periodInSeconds: number; limitType: 'rate' };
}

export interface RateLimiter {
  /** Records one request for `key` at the clock's time; null when it may go ahead. */
  admit(key: string): Throttle | null;
}

interface Usage {
  /** Times of requests that were served (the burst window counts these). */
  served: number[];
  /** Times of every request, served or throttled (the sustain window counts these). */
  all: number[];
}

function dropOlderThan(times: number[], cutoff: number): void {
  let stale = 0;
  while (stale < times.length && (times[stale] as number) <= cutoff) stale += 1;
  if (stale > 0) times.splice(0, stale);
}

/** A limiter keyed by `<xuid>/<titleId>`, reading the time from `now` so tests move it by hand. */
export function createRateLimiter(now: () => number, budget: RateBudget = MPSD_BUDGET): RateLimiter {
  const { burst, sustain } = budget;
  const usage = new Map<string, Usage>();

  function throttle(window: RateWindow, times: number[], at: number, currentRequests: number): Throttle {
    // The caller may go again once the oldest request in the window has slid out of it.
    const oldest = times[0] ?? at;
    const waitMs = oldest + window.periodInSeconds * 1000 - at;
    return {
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      body: {
        version: 1,
        currentRequests,
        maxRequests: window.maxRequests,
        periodInSeconds: window.periodInSeconds,
        limitType: 'rate',
      },
    };
  }

  return {
    admit(key) {
      const at = now();
      let entry = usage.get(key);
      if (entry === undefined) {
        entry = { served: [], all: [] };
        usage.set(key, entry);
      }
      dropOlderThan(entry.served, at - burst.periodInSeconds * 1000);
      dropOlderThan(entry.all, at - sustain.periodInSeconds * 1000);
      const sustainExceeded = entry.all.length >= sustain.maxRequests;
      const burstExceeded = entry.served.length >= burst.maxRequests;
      if (sustainExceeded) {
        const answer = throttle(sustain, entry.all, at, entry.all.length + 1);
        entry.all.push(at);
        return answer;
      }
      if (burstExceeded) {
        const answer = throttle(burst, entry.served, at, entry.served.length + 1);
        entry.all.push(at);
        return answer;
      }
      entry.served.push(at);
      entry.all.push(at);
      return null;
    },
  };
}
