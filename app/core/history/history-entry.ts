/**
 * What `HistoryStore.append` accepts, and how to make it from an `MpsdExchange`: the
 * exchange says what went out and what came back; the caller adds who sent it.
 */
import { z } from 'zod';
import { errorCodes } from '../../shared/errors.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import { requestKinds } from '../../shared/mpsd/wire.ts';
import type { OutboxAttempt } from '../../shared/contract/outbox.ts';

/** Response bodies longer than this (in characters) are cut, so one huge answer cannot bloat the file. */
export const RESPONSE_BODY_CAP = 64 * 1024;

const headers = z.record(z.string().max(200), z.string().max(8192));

export const historyEntryInputSchema = z.strictObject({
  at: z.iso.datetime({ offset: true, error: 'History entry time must be an ISO-8601 date and time.' }),
  profileId: z.string().min(1, { error: 'History entry needs the profile id that sent the request.' }).max(64),
  profileName: z.string().max(200),
  sandbox: z.string().max(64),
  kind: z.enum(requestKinds, { error: `History entry kind must be one of: ${requestKinds.join(', ')}.` }),
  sessionRef: z
    .object({ scid: z.string().max(64), templateName: z.string().max(100), name: z.string().max(100) })
    .optional(),
  invitedXuid: z.string().max(20).optional(),
  recipientLabel: z.string().max(200).optional(),
  request: z.object({
    method: z.string().max(10),
    url: z.string().max(4096),
    headers,
    body: z.string().max(1024 * 1024).optional(),
  }),
  response: z
    .object({
      status: z.number().int(),
      headers,
      body: z.string(),
    })
    .optional(),
  correlationId: z.string().max(200).optional(),
  handleId: z.string().max(64).optional(),
  durationMs: z.number().min(0, { error: 'Duration cannot be negative.' }),
  error: z.object({ code: z.enum(errorCodes), message: z.string() }).optional(),
  /** An outbox item's earlier attempts that sent it back to the queue: one row per outcome, its attempts listed here. */
  attempts: z
    .array(z.strictObject({ at: z.string().max(40), code: z.enum(errorCodes), message: z.string().max(2000), status: z.number().int().optional() }))
    .max(50, { error: 'At most 50 earlier attempts per history entry.' })
    .optional(),
});
export type HistoryEntryInput = z.input<typeof historyEntryInputSchema>;

/** Who sent an exchange: the parts history keeps that the exchange itself does not know. */
export interface HistorySender {
  profileId: string;
  profileName: string;
  sandbox: string;
  /** The recipient's label from the preset or address book, for invites. */
  recipientLabel?: string;
}

/** Builds a history entry from one exchange the MPSD client recorded. */
export function historyEntryFromExchange(exchange: MpsdExchange, sender: HistorySender, attempts?: readonly OutboxAttempt[]): HistoryEntryInput {
  return {
    at: exchange.startedAt,
    profileId: sender.profileId,
    profileName: sender.profileName,
    sandbox: sender.sandbox,
    kind: exchange.kind,
    sessionRef: exchange.sessionRef,
    invitedXuid: exchange.invitedXuid,
    recipientLabel: sender.recipientLabel,
    request: exchange.request,
    response: exchange.response
      ? { status: exchange.response.status, headers: exchange.response.headers, body: exchange.response.body }
      : undefined,
    correlationId: exchange.correlationId,
    handleId: exchange.handleId,
    durationMs: exchange.durationMs,
    error: exchange.error ? { code: exchange.error.code, message: exchange.error.message } : undefined,
    ...(attempts === undefined || attempts.length === 0 ? {} : { attempts: [...attempts] }),
  };
}
