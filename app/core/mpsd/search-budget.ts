/**
 * Search handles have rate limits of their own on top of MPSD's per-user budget: per user,
 * 1 read and 1 write per 15 s (burst) and 20 reads and 20 writes per 300 s (sustain)
 * (Microsoft's fine-grained rate limiting table, live-fine-grained-rate-limiting.md:151).
 * A search call therefore waits for its own window first and then for the user's budget.
 * The shared RateBudget has no per-kind windows, so these are kept here, per process.
 */
import type { RequestKind } from '../../shared/mpsd/wire.ts';
import type { Clock } from '../ports.ts';
import { createRateBudget, type RateBudget, type RateWindow } from './rate-budget.ts';

const SEARCH_HANDLE_WINDOWS: readonly RateWindow[] = [
  { limit: 1, windowMs: 15_000 },
  { limit: 20, windowMs: 300_000 },
];

type SearchAccess = 'read' | 'write';

/** Creating a search handle is a write, the search query a read; other calls have no search limit. */
function searchAccessOf(kind: RequestKind): SearchAccess | undefined {
  if (kind === 'search.create') return 'write';
  if (kind === 'search.query') return 'read';
  return undefined;
}

/** Keyed by the user's budget, which the sender keeps one of per user, so each user has their own search windows. */
const searchBudgets = new WeakMap<RateBudget, Record<SearchAccess, RateBudget>>();

/** The budget a call of `kind` takes from: the user's own, behind the search window when it is a search call. */
export function budgetForCall(kind: RequestKind, userBudget: RateBudget, clock: Clock): RateBudget {
  const access = searchAccessOf(kind);
  if (access === undefined) return userBudget;
  let budgets = searchBudgets.get(userBudget);
  if (budgets === undefined) {
    budgets = {
      read: createRateBudget({ clock, windows: SEARCH_HANDLE_WINDOWS }),
      write: createRateBudget({ clock, windows: SEARCH_HANDLE_WINDOWS }),
    };
    searchBudgets.set(userBudget, budgets);
  }
  const search = budgets[access];
  return {
    async take(signal, origin) {
      await search.take(signal, origin);
      await userBudget.take(signal, origin);
    },
    // A 429 on a search call is most likely the tight search limit: pause search calls, not the user's other calls.
    backOffUntil(retryAt, origin) {
      search.backOffUntil(retryAt, origin);
    },
  };
}
