/**
 * MPSD's fine-grained rate limit, kept on our side so a fan-out paces itself instead of
 * collecting 429s: per user per title, 30 requests per 15 s (burst) and 300 per 300 s
 * (sustain), both windows sliding and counted at the same time.
 *
 * MPSD counts per user, not per process, so the start times and a Retry-After pause live in
 * a `RateLedger`: this process's memory, or a file in the data folder that the app and every
 * CLI process of one profile share (see shared-rate-budget.ts).
 *
 * A pause belongs to the endpoint that asked for it (its origin, `https://host[:port]`): a
 * local MPSD stand-in's 429 must not hold back the same profile's calls to the real MPSD. A
 * pause recorded without an origin (by a build before pauses had one) holds back every origin,
 * as it did then: which endpoint asked is unknown, and it ends within a day (LONGEST_PAUSE_MS).
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

/** How long a Retry-After is waited out at most; a longer one fails THROTTLED at once (client and budget agree). */
export const MAX_WAITED_PAUSE_MS = 60_000;

/**
 * The longest pause a Retry-After is taken for: a day. MPSD's windows are at most 300 s, so a
 * longer ask comes from a fault (a damaged header, a proxy's mistake, a file written by such a
 * build), and taken as is it can lie past what a Date holds (`Retry-After: 99999999999999`, the
 * year 9999): the user would get no time to read, only an internal error. A day is the longest
 * pause README shows as MPSD sent it; after it the next call asks MPSD again.
 */
export const LONGEST_PAUSE_MS = 24 * 60 * 60 * 1000;

export interface RateBudget {
  /**
   * Resolves when one more request may go out now, and counts it. Callers are served in
   * the order they asked. Rejects with HandleStudioError CANCELLED when `signal` aborts first,
   * and at once with THROTTLED (details `retryAt`, `retryAfterMs`) while MPSD's pause lasts
   * longer than the budget waits. `origin`: the endpoint the call goes to, whose pause applies.
   */
  take(signal?: AbortSignal, origin?: string): Promise<void>;
  /**
   * After a 429/503 from `origin`: nobody takes from this budget for that origin before
   * `retryAt` (epoch ms). An instant, not a duration, so every later refusal names exactly the
   * time the client reported to the user. Without an origin the pause holds every origin back.
   */
  backOffUntil(retryAt: number, origin?: string): void;
}

/** Where one budget keeps its start times and its pause. */
export interface RateLedger {
  /**
   * In one step (atomic across processes for a shared ledger): `decide` gets the start time
   * `n`-th from the newest (`n` from 1 to `keep`; undefined when fewer started) and the end of
   * the pause that holds `origin` (its own or one without an origin), and returns how long to
   * wait; when that is 0 or less, `now` is recorded as a start. Returns what `decide` returned.
   * (One start per window decides, so a ledger on disk reads those, not all `keep`.)
   */
  claim(
    now: number,
    keep: number,
    decide: (nthNewest: (n: number) => number | undefined, pausedUntil: number) => number,
    origin?: string,
  ): number;
  /** Nobody starts a call to `origin` (to any, without one) before `until` (a later pause already recorded is kept). */
  pauseUntil(until: number, origin?: string): void;
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
  /** A pause longer than this is not waited: take() fails THROTTLED. Default MAX_WAITED_PAUSE_MS. */
  maxPauseMs?: number;
  /** Default: this process's memory. */
  ledger?: RateLedger;
}

const GRANTED = Promise.resolve();
const cancelled = () => new HandleStudioError('CANCELLED', 'Cancelled while waiting for the rate limit: nothing was sent.');

/** "24 h", "1 h 30 min", "2 min 5 s", "45 s": how long a person will have to wait. */
export function describeDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}

/** When MPSD wants the next call, in the user's local time, and how long that is from now. */
export function describeRetryAt(retryAt: number, now: number): string {
  const local = new Date(retryAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  return `${local} local time (in ${describeDuration(retryAt - now)})`;
}

/** The details every THROTTLED/SERVICE_UNAVAILABLE with a known end carries, so a queued item can be rescheduled to it. */
export function retryDetails(retryAt: number, now: number): { retryAt: string; retryAfterMs: number } {
  return { retryAt: new Date(retryAt).toISOString(), retryAfterMs: Math.max(0, retryAt - now) };
}

/** The error for a call not sent because MPSD asked this user to pause longer than we wait. */
export function pausedTooLong(retryAt: number, now: number): HandleStudioError {
  return new HandleStudioError(
    'THROTTLED',
    `MPSD asked this account to pause until ${describeRetryAt(retryAt, now)}, longer than Handle Studio waits: nothing was sent. Send again after that time.`,
    retryDetails(retryAt, now),
  );
}

/** This process's own ledger: what every budget used before budgets were shared, and the fallback when the shared file fails. */
export function createMemoryLedger(): RateLedger {
  const starts: number[] = [];
  /** By origin; '' holds every origin back. */
  const pauses = new Map<string, number>();
  const pausedUntil = (origin: string | undefined) =>
    Math.max(
      pauses.get('') ?? Number.NEGATIVE_INFINITY,
      origin ? (pauses.get(origin) ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY,
    );
  return {
    claim(now, keep, decide, origin) {
      const wait = decide((n) => starts[starts.length - n], pausedUntil(origin));
      if (wait <= 0) {
        starts.push(now);
        if (starts.length > keep) starts.splice(0, starts.length - keep);
      }
      return wait;
    },
    pauseUntil(until, origin = '') {
      pauses.set(origin, Math.max(pauses.get(origin) ?? Number.NEGATIVE_INFINITY, until));
    },
  };
}

/** One user's budget. Create one per signed-in user (profile) and share it between all sends. */
export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const { clock } = options;
  const windows = options.windows ?? MPSD_RATE_WINDOWS;
  const margin = options.safetyMarginMs ?? 250;
  const maxPauseMs = options.maxPauseMs ?? MAX_WAITED_PAUSE_MS;
  const ledger = options.ledger ?? createMemoryLedger();
  for (const window of windows) {
    if (!Number.isInteger(window.limit) || window.limit < 1 || !(window.windowMs > 0)) {
      throw new HandleStudioError('VALIDATION', 'A rate window needs a whole limit of at least 1 and a positive length in ms.');
    }
  }
  if (!(margin >= 0)) throw new HandleStudioError('VALIDATION', 'safetyMarginMs must be 0 or more.');
  if (!(maxPauseMs >= 0)) throw new HandleStudioError('VALIDATION', 'maxPauseMs must be 0 or more.');
  // Only the newest `largestLimit` start times can ever decide a wait.
  const largestLimit = Math.max(0, ...windows.map((window) => window.limit));

  let queue: Promise<void> = Promise.resolve();
  /** Takers in the queue whose turn has not ended. */
  let queued = 0;

  /** How long until one more start fits every window and the pause (<= 0: now). */
  function waitFor(nthNewest: (n: number) => number | undefined, pausedUntil: number, now: number): number {
    let wait = pausedUntil - now;
    for (const window of windows) {
      const decisive = nthNewest(window.limit);
      if (decisive !== undefined) wait = Math.max(wait, decisive + window.windowMs + margin - now);
    }
    return wait;
  }

  /** One claim at `now`: how long to wait (<= 0: the start is counted) and the pause that holds `origin`. */
  function claim(now: number, origin: string | undefined): { wait: number; pausedUntil: number } {
    let pausedUntil = Number.NEGATIVE_INFINITY;
    const wait = ledger.claim(
      now,
      largestLimit,
      (nthNewest, paused) => {
        pausedUntil = paused;
        return waitFor(nthNewest, paused, now);
      },
      origin,
    );
    return { wait, pausedUntil };
  }

  async function acquire(signal: AbortSignal | undefined, origin: string | undefined): Promise<void> {
    try {
      for (;;) {
        if (signal?.aborted) throw cancelled();
        const now = clock.now();
        const { wait, pausedUntil } = claim(now, origin);
        if (wait <= 0) return;
        // Waiting a day in silence is worse than saying so now; the windows' own waits are at most one window long.
        if (pausedUntil - now > maxPauseMs) throw pausedTooLong(pausedUntil, now);
        try {
          await clock.sleep(wait, signal);
        } catch {
          throw cancelled();
        }
      }
    } finally {
      queued -= 1;
    }
  }

  return {
    take(signal, origin) {
      if (signal?.aborted) return Promise.reject(cancelled());
      // Nobody in the queue (a fan-out's usual case): a start that fits now is counted at once,
      // without a turn behind the others; one that must wait (or is refused) queues and claims again.
      if (queued === 0 && claim(clock.now(), origin).wait <= 0) return GRANTED;
      queued += 1;
      const turn = queue.then(() => acquire(signal, origin));
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
    backOffUntil(retryAt, origin) {
      const now = clock.now();
      if (!(retryAt > now)) return;
      ledger.pauseUntil(Math.min(retryAt, now + LONGEST_PAUSE_MS), origin);
    },
  };
}
