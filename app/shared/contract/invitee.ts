/**
 * The invitee's side (issue 10): accept an invite or join an activity as another profile,
 * check a session before sending (pre-flight), look inside a session, and the invite round
 * trip between two profiles. Every MPSD call goes through the same send path as Compose, so
 * each one lands in history.
 */
import * as z from '../zod.ts';
import { handleIdSchema, scidSchema, xuidSchema } from '../mpsd/ids.ts';
import { sessionRefSchema } from '../mpsd/session-ref.ts';
import { errorCodes } from '../errors.ts';
import { findingIds } from '../invitee/preflight.ts';
import { recordIdSchema } from './common.ts';
import { channel } from './define.ts';

const platformSchema = z.enum(['xbox', 'pc'], { error: 'Platform is xbox or pc.' });
const profileChoice = { profileId: z.optional(recordIdSchema) };
/** The profile's own XUID, needed when its token was pasted (a pasted token does not name its user). */
const ownXuid = { xuid: z.optional(xuidSchema) };

export const stepStatuses = ['passed', 'failed', 'skipped'] as const;

/** One step of an invitee action or round trip: what it did, how it went, and MPSD's words when it failed. */
export const inviteeStepSchema = z.object({
  name: z.string(),
  /** Which profile's token the step used. */
  as: z.string(),
  status: z.enum(stepStatuses),
  httpStatus: z.optional(z.int()),
  correlationId: z.optional(z.string()),
  startedAt: z.optional(z.string()),
  durationMs: z.optional(z.number()),
  /** The error's code when a call failed (absent when the answer came but did not hold what was expected). */
  code: z.optional(z.enum(errorCodes)),
  /** Why it failed (or a warning when it passed), in words. */
  message: z.optional(z.string()),
  /** MPSD's own answer body when it refused (capped). */
  mpsdSaid: z.optional(z.string()),
});
export type InviteeStep = z.output<typeof inviteeStepSchema>;

const sessionRefView = z.object({ scid: z.string(), templateName: z.string(), name: z.string() });

export const memberViewSchema = z.object({
  index: z.string(),
  xuid: z.string(),
  gamertag: z.optional(z.string()),
  state: z.enum(['reserved', 'ready', 'active', 'inactive']),
  joinTime: z.optional(z.string()),
  activeTitleId: z.optional(z.string()),
});

export const sessionViewSchema = z.object({
  inviteProtocol: z.optional(z.string()),
  visibility: z.string(),
  joinRestriction: z.string(),
  readRestriction: z.string(),
  closed: z.boolean(),
  locked: z.boolean(),
  maxMembersCount: z.number(),
  memberCount: z.number(),
  capabilities: z.record(z.string(), z.boolean()),
  allowNonOwnerInviteHandles: z.boolean(),
  members: z.array(memberViewSchema),
});

/** What joining through a handle gave the joiner. */
export const inviteeJoinSchema = z.object({
  ok: z.boolean(),
  steps: z.array(inviteeStepSchema),
  sessionRef: z.optional(sessionRefView),
  /** The joiner's own member entry, read back from the session. */
  membership: z.optional(memberViewSchema),
  /** The URI the title would be activated with for this accept or join (PC scheme). */
  activationUri: z.optional(z.string()),
});
export type InviteeJoin = z.output<typeof inviteeJoinSchema>;

export const findingSchema = z.object({
  id: z.enum(findingIds),
  severity: z.enum(['blocks', 'warns', 'notes']),
  says: z.string(),
  fix: z.string(),
});

/** Where a session is: its ref, or a handle pointing at it (exactly one). */
const sessionSourceShape = { ...profileChoice, sessionRef: z.optional(sessionRefSchema), handleId: z.optional(handleIdSchema) };
const oneSource = {
  error: 'Say which session: give either its sessionRef (SCID, template, name) or a handle id pointing at it, not both.',
};
const namesOneSource = (input: { sessionRef?: unknown; handleId?: unknown }) =>
  (input.sessionRef === undefined) !== (input.handleId === undefined);

export const sessionCheckSchema = z.object({
  sessionRef: sessionRefView,
  findings: z.array(findingSchema),
  step: inviteeStepSchema,
});
export type SessionCheck = z.output<typeof sessionCheckSchema>;

export const sessionLookSchema = z.object({
  sessionRef: sessionRefView,
  readAt: z.string(),
  view: sessionViewSchema,
  /** The document as MPSD answered it. */
  document: z.unknown(),
  /** Handles known to point at the session: members' activities (asked of MPSD) and invites sent from here (history). */
  handles: z.array(
    z.object({
      type: z.enum(['activity', 'invite']),
      id: z.string(),
      ownerXuid: z.optional(z.string()),
      invitedXuid: z.optional(z.string()),
      at: z.optional(z.string()),
    }),
  ),
  steps: z.array(inviteeStepSchema),
});
export type SessionLook = z.output<typeof sessionLookSchema>;

export const roundTripSchema = z.object({
  ok: z.boolean(),
  sessionRef: sessionRefView,
  steps: z.array(inviteeStepSchema),
  inviteUri: z.optional(z.string()),
  joinUri: z.optional(z.string()),
});
export type RoundTrip = z.output<typeof roundTripSchema>;

export const inviteeChannels = {
  acceptInvite: channel(
    z.strictObject({ ...profileChoice, ...ownXuid, handleId: handleIdSchema }),
    inviteeJoinSchema,
    'As the given profile (the invitee): read the invite handle, join through it (PUT /handles/{id}/session), read the session back at Content-Location and answer the membership.',
  ),
  joinActivity: channel(
    z.strictObject({ ...profileChoice, ...ownXuid, scid: scidSchema, ownerXuid: xuidSchema }),
    inviteeJoinSchema,
    'As the given profile: find the owner\'s activity handle in the SCID and join through it ("Join game").',
  ),
  checkSession: channel(
    z
      .strictObject({
        ...sessionSourceShape,
        ...ownXuid,
        action: z.enum(['invite', 'activity'], { error: 'action is invite or activity.' }),
        inviteeXuid: z.optional(xuidSchema),
        senderPlatform: z.optional(platformSchema),
        inviteePlatform: z.optional(platformSchema),
      })
      .check(z.refine(namesOneSource, oneSource)),
    sessionCheckSchema,
    'Pre-flight: read the session as the sender and list what would make MPSD refuse the send or the shell hide it, each with the fix.',
  ),
  inspectSession: channel(
    z.strictObject(sessionSourceShape).check(z.refine(namesOneSource, oneSource)),
    sessionLookSchema,
    'Read a session: settings, members with states, and the handles known to point at it.',
  ),
  confirmActivity: channel(
    z.strictObject({
      ...profileChoice,
      ...ownXuid,
      sessionRef: sessionRefSchema,
      delayMs: z
        .int()
        .check(
          z.minimum(0, { error: 'delayMs cannot be negative.' }),
          z.maximum(120_000, { error: 'Wait at most 120000 ms (2 minutes).' }),
        ),
    }),
    z.object({ present: z.boolean(), steps: z.array(inviteeStepSchema) }),
    "After a wait, ask MPSD whether the profile's activity for the session is still there (its presence check drops activities of members not running the title).",
  ),
  runRoundTrip: channel(
    z.strictObject({
      fromProfileId: recordIdSchema,
      toProfileId: recordIdSchema,
      presetId: recordIdSchema,
      fromXuid: z.optional(xuidSchema),
      toXuid: z.optional(xuidSchema),
      /** Wait this long after setting the activity before checking it is still there (0: check at once). */
      activityCheckDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(120_000, { error: 'Wait at most 120000 ms (2 minutes).' }))),
    }),
    roundTripSchema,
    "A joins the preset's session and sets its activity, invites B; B reads the invite and joins through it; A's session shows B. Stops at the first failing step.",
  ),
} as const;
