/**
 * History's retention rule as the contract takes it, apart from the other history schemas: the
 * page checks a typed rule with it (retention-rule.ts), and the contract re-exports it, so the
 * page's bundle can leave the history channels out (its size budget, issue 12).
 */
import * as z from '../zod.ts';

/**
 * Which entries history keeps; absent parts set no limit. One entry is the least a count
 * may keep: a tester clearing out noise may want only the last few, and setting the rule
 * says how many it removed.
 */
export const retentionSchema = z.strictObject({
  maxEntries: z.optional(
    z
      .number({ error: 'Keep-at-most must be a whole number of entries.' })
      .check(
        z.int({ error: 'Keep-at-most must be a whole number of entries.' }),
        z.gte(1, { error: 'Keep at least 1 entry (or leave the limit empty for no limit).' }),
        z.lte(10_000_000, { error: 'Keep-at-most is at most 10,000,000 entries.' }),
      ),
  ),
  maxAgeDays: z.optional(
    z
      .number({ error: 'Keep-for must be a whole number of days.' })
      .check(
        z.int({ error: 'Keep-for must be a whole number of days.' }),
        z.gte(1, { error: 'Keep entries for at least 1 day (or leave it empty for no limit).' }),
        z.lte(3650, { error: 'Keep-for is at most 3650 days.' }),
      ),
  ),
});
export type Retention = z.output<typeof retentionSchema>;
