/**
 * The outbox channels: requests that could not go out (offline, no valid token), one item
 * per wire request, each with a truthful state. An item whose send may or may not have
 * reached MPSD is 'outcome-unknown' and is never resent without the user asking.
 */
import * as z from '../zod.ts';
import { errorCodes } from '../errors.ts';
import { recordedKinds } from '../recorded-kinds.ts';
import { appErrorSchema, recordIdSchema } from './common.ts';
import { outboxStates, type OutboxState } from '../outbox-states.ts';
import { channel, event } from './define.ts';

export { outboxStates, type OutboxState } from '../outbox-states.ts';

/**
 * 'queued': the user asked to send it later, so a flush sends it. 'live': an invite of a send
 * running now, journaled so a crash leaves a truthful trace; no flush ever sends it.
 */
export const outboxOrigins = ['queued', 'live'] as const;

/** One earlier attempt of an item that went back to the queue (offline, throttled, token refused). */
export const outboxAttemptSchema = z.object({
  at: z.string(),
  code: z.enum(errorCodes),
  message: z.string(),
  /** MPSD's HTTP status when it answered; absent when nothing left this machine. */
  status: z.optional(z.number().check(z.int())),
});
export type OutboxAttempt = z.output<typeof outboxAttemptSchema>;

export const outboxItemSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  profileId: z.string(),
  /** The profile's name: its current one, or the last known (the one it was queued with) when the profile is gone. */
  profileName: z.optional(z.string()),
  /** Set when the profile that sends it no longer exists (removed, or profiles.json lost): it waits until sent as another profile. */
  profileMissing: z.optional(z.literal(true)),
  /** Set when it was sent from the CLI with XBL_AUTHORIZATION: its token is not stored, so nothing can send it again; it can only be dismissed. */
  sentWithoutProfile: z.optional(z.literal(true)),
  kind: z.enum(recordedKinds),
  /** The request as it will be sent (validated JSON, no credentials). */
  request: z.unknown(),
  invitedXuid: z.optional(z.string()),
  label: z.optional(z.string()),
  state: z.enum(outboxStates),
  attempts: z.number().check(z.int()),
  lastError: z.optional(appErrorSchema),
  handleId: z.optional(z.string()),
  correlationId: z.optional(z.string()),
  updatedAt: z.string(),
  origin: z.optional(z.enum(outboxOrigins)),
  /**
   * A queued item is not tried before this time (ISO): backoff with jitter after an attempt that
   * could not go out, or the time MPSD asked for in a long Retry-After (then lastError is THROTTLED).
   */
  nextAttemptAt: z.optional(z.string()),
  /** Earlier attempts that sent it back to the queue, oldest first. */
  attemptLog: z.optional(z.array(outboxAttemptSchema)),
});
export type OutboxItem = z.output<typeof outboxItemSchema>;

/** How many items are in each state; the UI always shows these. */
export const outboxCountsSchema = z.object(
  Object.fromEntries(outboxStates.map((state) => [state, z.number().check(z.int())])) as Record<OutboxState, z.ZodMiniNumber>,
);
export type OutboxCounts = z.output<typeof outboxCountsSchema>;

export const outboxFlushSummarySchema = z.object({
  attempted: z.number().check(z.int()),
  sent: z.number().check(z.int()),
  failed: z.number().check(z.int()),
  /** Went back to the queue (still offline, no token): try again later. */
  retryLater: z.number().check(z.int()),
  outcomeUnknown: z.number().check(z.int()),
  /** True when the flush stopped early because it was cancelled. */
  cancelled: z.boolean(),
  counts: outboxCountsSchema,
  /** What went wrong around the flush without changing what MPSD did: damaged rows skipped, results that could not be recorded. */
  warnings: z.optional(z.array(appErrorSchema)),
});
export type OutboxFlushSummary = z.output<typeof outboxFlushSummarySchema>;

export const outboxChannels = {
  listOutbox: channel(
    z.strictObject({
      states: z.optional(
        z
          .array(z.enum(outboxStates, { error: `State must be one of: ${outboxStates.join(', ')}.` }))
          .check(z.maxLength(outboxStates.length, { error: 'Give each state at most once.' })),
      ),
      limit: z.optional(
        z
          .number()
          .check(
            z.int({ error: 'Limit must be a whole number.' }),
            z.gte(1, { error: 'Limit must be at least 1.' }),
            z.lte(1000, { error: 'Limit is at most 1000 items.' }),
          ),
      ),
    }),
    z.object({
      items: z.array(outboxItemSchema),
      counts: outboxCountsSchema,
      /** Rows that could not be read (damaged): left in place, listed here so they can be dismissed. */
      damaged: z.optional(z.array(z.object({ id: z.string(), problem: z.string() }))),
    }),
    'Outbox items, oldest first, with the count in each state.',
  ),
  flushOutbox: channel(z.strictObject({}), outboxFlushSummarySchema, 'Try to send every queued item now, one at a time.'),
  cancelOutboxFlush: channel(
    z.strictObject({}),
    z.object({ cancelled: z.boolean() }),
    'Stop a running flush: waits end now, the request in flight is finished and recorded, the rest stays queued.',
  ),
  requeueOutboxItem: channel(
    z.strictObject({ id: recordIdSchema }),
    outboxItemSchema,
    'Put a failed or outcome-unknown item back in the queue (the user decided to send it again).',
  ),
  dismissOutboxItem: channel(
    z.strictObject({ id: recordIdSchema }),
    z.object({ counts: outboxCountsSchema }),
    'Remove an item that is not being sent right now.',
  ),
  reassignOutboxItems: channel(
    z.strictObject({
      /** The profile that sends them from now on: it must exist and serve the items' service (MPSD or MPA). */
      profileId: recordIdSchema,
      /** These queued items (all or none)... */
      ids: z.optional(
        z
          .array(recordIdSchema)
          .check(
            z.minLength(1, { error: 'Name at least one outbox item.' }),
            z.maxLength(1000, { error: 'At most 1000 outbox items at a time.' }),
          ),
      ),
      /** ...or every queued item whose profile is gone and whose service the profile serves. */
      fromMissingProfiles: z.optional(z.literal(true)),
    }),
    z.object({
      items: z.array(outboxItemSchema),
      /** Items from missing profiles left where they were, and why (another service than the profile's). */
      skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
      counts: outboxCountsSchema,
    }),
    'Send queued items as another profile: the given ones, or every queued item whose profile is gone. Never an item being sent or whose outcome is unknown (it may have gone out).',
  ),
} as const;

export const outboxEvents = {
  outboxChanged: event(z.object({ counts: outboxCountsSchema }), 'An outbox item was added, changed state or was removed.'),
  outboxTrouble: event(
    z.object({ problem: z.nullable(appErrorSchema) }),
    'Background flushes keep failing (the problem), or work again after they did (null).',
  ),
} as const;
