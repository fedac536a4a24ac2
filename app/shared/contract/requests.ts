/**
 * Sending requests: the Compose screen, one-click preset invites and "resend" from history
 * all end here. A send either goes out now (through the paced fan-out for invites) or, when
 * there is no network or no valid token, lands in the outbox.
 */
import * as z from '../zod.ts';
import { handleRequestSchema } from '../mpsd/requests.ts';
import { xuidSchema } from '../mpsd/ids.ts';
import { channel, event } from './define.ts';
import { appErrorSchema, exchangeSchema, recordIdSchema } from './common.ts';
import { hiddenCharacterProblem } from '../visible-text.ts';

export const inviteeStates = ['sent', 'failed', 'outcome-unknown', 'not-attempted', 'queued'] as const;

/** What happened to one invitee of a send, in the order they were given. */
export const inviteeResultSchema = z.object({
  invitedXuid: z.string(),
  label: z.optional(z.string()),
  state: z.enum(inviteeStates),
  handleId: z.optional(z.string()),
  correlationId: z.optional(z.string()),
  error: z.optional(appErrorSchema),
});
export type InviteeResult = z.output<typeof inviteeResultSchema>;

export const sendOutcomes = ['completed', 'failed', 'queued', 'cancelled'] as const;

export const sendResultSchema = z.object({
  runId: z.string(),
  /** completed: every call answered (some may have failed: see exchanges/invitees); queued: held in the outbox. */
  outcome: z.enum(sendOutcomes),
  exchanges: z.array(exchangeSchema),
  invitees: z.optional(z.array(inviteeResultSchema)),
  /** How many wire requests went to the outbox instead of the network. */
  queued: z.number().check(z.int()),
  /** Why the send was queued or failed as a whole (offline, no token, ...). */
  error: z.optional(appErrorSchema),
  /** What went wrong around the send without changing what MPSD did (history or the outbox could not be written). */
  warnings: z.optional(z.array(appErrorSchema)),
});
export type SendResult = z.output<typeof sendResultSchema>;

const recipientLabelsSchema = z
  .record(
    xuidSchema,
    z.string().check(
      z.maxLength(100, { error: 'A recipient label is at most 100 characters.' }),
      // Printed on terminals and in History: see app/shared/visible-text.ts.
      z.superRefine((label, ctx) => {
        const problem = hiddenCharacterProblem(label);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `A recipient label ${problem}.` });
      }),
    ),
  )
  .check(z.refine((labels) => Object.keys(labels).length <= 100, { error: 'At most 100 recipient labels.' }));

export const requestChannels = {
  sendRequest: channel(
    z.strictObject({
      /** Chosen by the caller so it can cancel and match progress events before the answer arrives. */
      runId: recordIdSchema,
      /** The profile to send as; the active profile when left out. */
      profileId: z.optional(recordIdSchema),
      request: handleRequestSchema,
      /** Names shown for invitees in progress, history and the outbox (e.g. gamertags). */
      recipientLabels: z.optional(recipientLabelsSchema),
      /** Put what cannot go out now (offline, no valid token) in the outbox instead of failing. */
      queueIfUnavailable: z.optional(z.boolean()),
    }),
    sendResultSchema,
    'Send one request (an invite fans out to one POST per invitee) or queue it in the outbox.',
  ),
  cancelRequest: channel(
    z.strictObject({ runId: recordIdSchema }),
    z.object({ cancelled: z.boolean() }),
    'Stop a running send: invitees not yet attempted are reported as not attempted.',
  ),
};

export const requestEvents = {
  requestProgress: event(
    z.object({
      runId: z.string(),
      done: z.number().check(z.int()),
      total: z.number().check(z.int()),
      last: z.optional(inviteeResultSchema),
    }),
    'One more invitee of a running send has an answer.',
  ),
};
