/**
 * The local MPA's share of the emulator state: its book, its own rate buckets (MPA's, not
 * MPSD's: a title's MPA calls never spend its MPSD budget), and the emulator's clock.
 */
import type { FollowGraph } from '../follow-graph.ts';
import { createRateLimiter, type RateLimiter } from '../rate-limiter.ts';
import { createMpaBook, type MpaBook } from './mpa-book.ts';
import { MPA_RATE_BUDGETS, type MpaBucketName } from './mpa-routes.ts';

export interface MpaState {
  book: MpaBook;
  /** null when rate limits are off. */
  limits: Record<MpaBucketName, RateLimiter> | null;
  now(): number;
}

export function createMpaState(now: () => number, follows: FollowGraph, rateLimits: boolean): MpaState {
  const limiter = (bucket: MpaBucketName) => createRateLimiter(now, MPA_RATE_BUDGETS[bucket]);
  return {
    book: createMpaBook(now, follows),
    limits: rateLimits
      ? {
          activityWrite: limiter('activityWrite'),
          activityRead: limiter('activityRead'),
          invites: limiter('invites'),
          recentPlayers: limiter('recentPlayers'),
        }
      : null,
    now,
  };
}
