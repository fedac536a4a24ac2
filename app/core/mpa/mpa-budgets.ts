/**
 * MPA's four rate buckets, paced on our side and shared by every process of one data folder
 * (the same `rate-budget.sqlite` MPSD's budget uses, under keys of their own): MPA counts per
 * user and title, so the app and a CLI script sending for one profile spend one bucket.
 */
import { mpaBuckets, MPA_BURST_WINDOW_MS, MPA_SUSTAIN_WINDOW_MS, type MpaBucket } from '../../shared/mpa/wire.ts';
import type { RateBudget } from '../mpsd/rate-budget.ts';
import { openSharedRateBudgets, type SharedRateBudgets } from '../mpsd/shared-rate-budget.ts';
import type { Clock } from '../ports.ts';

export interface MpaBudgets {
  /** The budget of one sender (a profile id, or a digest for XBL_AUTHORIZATION) in one title and bucket. */
  budgetFor(bucket: MpaBucket, sender: string, titleId: string): RateBudget;
  close(): void;
}

export function openMpaBudgets(options: { dataDir: string; clock: Clock; onFallback(message: string): void }): MpaBudgets {
  let told = false;
  // Four buckets share one file: if it cannot be used, say so once, not four times.
  const onFallback = (message: string) => {
    if (told) return;
    told = true;
    options.onFallback(message);
  };
  const byBucket = Object.fromEntries(
    (Object.keys(mpaBuckets) as MpaBucket[]).map((bucket) => [
      bucket,
      openSharedRateBudgets({
        dataDir: options.dataDir,
        clock: options.clock,
        onFallback,
        windows: [
          { limit: mpaBuckets[bucket].burst, windowMs: MPA_BURST_WINDOW_MS },
          { limit: mpaBuckets[bucket].sustain, windowMs: MPA_SUSTAIN_WINDOW_MS },
        ],
      }),
    ]),
  ) as Record<MpaBucket, SharedRateBudgets>;
  return {
    budgetFor: (bucket, sender, titleId) => byBucket[bucket].budgetFor(`mpa/${bucket}/${sender}/${titleId}`),
    close() {
      for (const budgets of Object.values(byBucket)) budgets.close();
    },
  };
}
