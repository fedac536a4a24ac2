/**
 * MPA's four rate buckets, paced on our side and shared by every process of one data folder
 * (the same `rate-budget.sqlite` MPSD's budget uses, under keys of their own): MPA counts per
 * user and title, so the app and a CLI script sending for one profile spend one bucket.
 */
import { mpaBuckets, MPA_BURST_WINDOW_MS, MPA_SUSTAIN_WINDOW_MS, type MpaBucket } from '../../shared/mpa/wire.ts';
import type { RateBudget } from '../mpsd/rate-budget.ts';
import { openSharedRateBudgets, type SharedRateBudgetOptions, type SharedRateBudgets } from '../mpsd/shared-rate-budget.ts';

export interface MpaBudgets {
  /** The budget of one sender (a profile id, or a digest for XBL_AUTHORIZATION) in one title and bucket. */
  budgetFor(bucket: MpaBucket, sender: string, titleId: string): RateBudget;
  /** Closes the budget file when these budgets opened it; budgets on core's shared connection leave it to core. */
  close(): void;
}

/** Each bucket's two windows. */
const pacingOf = (bucket: MpaBucket) => ({
  windows: [
    { limit: mpaBuckets[bucket].burst, windowMs: MPA_BURST_WINDOW_MS },
    { limit: mpaBuckets[bucket].sustain, windowMs: MPA_SUSTAIN_WINDOW_MS },
  ],
});

/**
 * MPA's buckets as keys of `shared` (core passes the connection MPSD's budgets use, so the file
 * is opened once), or of a budget file opened here for them alone.
 */
export function openMpaBudgets(options: { shared: SharedRateBudgets } | Omit<SharedRateBudgetOptions, 'windows'>): MpaBudgets {
  const budgets = 'shared' in options ? options.shared : openSharedRateBudgets(options);
  const owned = 'shared' in options ? undefined : budgets;
  return {
    budgetFor: (bucket, sender, titleId) => budgets.budgetFor(`mpa/${bucket}/${sender}/${titleId}`, pacingOf(bucket)),
    close: () => owned?.close(),
  };
}
