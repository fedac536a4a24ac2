/**
 * Multiplayer Activity from the page: one channel that sends an MPA request as a profile
 * (Compose, presets, resend), and one that hands an activation URI to the operating system.
 * The answer says what MPA did in words (per invitee, per user) beside the masked exchange;
 * nothing in it can carry the token (the Authorization header is the placeholder core wrote).
 */
import * as z from '../zod.ts';
import { mpaKinds, mpaRequestSchema } from '../mpa/requests.ts';
import { MAX_ACTIVATION_URI_LENGTH } from '../invitee/open-activation.ts';
import { channel } from './define.ts';
import { appErrorSchema, exchangeSchema, recordIdSchema } from './common.ts';

/** One MPA call: the MPSD exchange's request and response, with MPA's kinds and the attempts it took. */
export const mpaExchangeSchema = z.extend(z.omit(exchangeSchema, { kind: true, handleId: true, sessionRef: true, invitedXuid: true }), {
  kind: z.enum(mpaKinds),
  attempts: z.number().check(z.int()),
});
export type MpaExchangeView = z.output<typeof mpaExchangeSchema>;

const mpaActivitySchema = z.object({
  xuid: z.string(),
  titleId: z.number(),
  sequenceNumber: z.optional(z.number()),
  connectionString: z.optional(z.string()),
  joinRestriction: z.optional(z.string()),
  maxPlayers: z.optional(z.number()),
  currentPlayers: z.optional(z.number()),
  groupId: z.optional(z.string()),
  platform: z.string(),
});
export type MpaActivityView = z.output<typeof mpaActivitySchema>;

/** invited: MPA took the call; not-invited: it refused it; unknown: it may have; queued: the call waits in the outbox. */
export const mpaInviteeOutcomes = ['invited', 'not-invited', 'unknown', 'queued'] as const;

export const mpaSendResultSchema = z.object({
  request: mpaRequestSchema,
  exchange: mpaExchangeSchema,
  /** Why the call failed as a whole (for an invite: every invitee shares it). */
  error: z.optional(appErrorSchema),
  /** 1 when the call could not go out now and waits in the outbox (`error` says why). */
  queued: z.optional(z.number().check(z.int())),
  invitees: z.optional(z.array(z.object({ xuid: z.string(), outcome: z.enum(mpaInviteeOutcomes) }))),
  users: z.optional(z.array(z.object({ xuid: z.string(), activities: z.nullable(z.array(mpaActivitySchema)) }))),
  /** mpa.activity.get: null when the user has no activity in this title. */
  activity: z.optional(z.nullable(mpaActivitySchema)),
});
export type MpaSendResult = z.output<typeof mpaSendResultSchema>;

export const mpaChannels = {
  sendMpa: channel(
    z.strictObject({
      /** The profile to send as; the active profile when left out. */
      profileId: z.optional(recordIdSchema),
      request: mpaRequestSchema,
      /** A write that cannot go out now (offline, no valid token) waits in the outbox instead of failing (default true). */
      queueIfUnavailable: z.optional(z.boolean()),
    }),
    mpaSendResultSchema,
    'Send one Multiplayer Activity request (an invite is one call for up to 16 users) as a profile.',
  ),
  openActivationUri: channel(
    z.strictObject({
      uri: z.string({ error: 'uri must be text: the activation URI to open.' }).check(
        z.maxLength(MAX_ACTIVATION_URI_LENGTH, {
          error: `uri is at most ${MAX_ACTIVATION_URI_LENGTH} characters: copy a longer one instead.`,
        }),
      ),
    }),
    z.object({ opened: z.literal(true) }),
    'Hand an ms-xbl activation URI Handle Studio built to Windows, which starts the title that registered it.',
  ),
};
