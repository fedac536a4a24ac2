/**
 * What `HistoryStore.append` accepts, and how to make it from an `MpsdExchange`: the
 * exchange says what went out and what came back; the caller adds who sent it.
 */
import * as z from '../../shared/zod.ts';
import { errorCodes } from '../../shared/errors.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import { recordedKinds, type RecordedKind } from '../../shared/recorded-kinds.ts';
import type { OutboxAttempt } from '../../shared/contract/outbox.ts';

/** Response bodies longer than this (in characters) are cut, so one huge answer cannot bloat the file. */
export const RESPONSE_BODY_CAP = 64 * 1024;

const headers = z.record(z.string().check(z.maxLength(200)), z.string().check(z.maxLength(8192)));

export const historyEntryInputSchema = z.strictObject({
  /** The row's id when it records an outbox item's attempt (attempt-row-id.ts); a new one otherwise. */
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  at: z.iso.datetime({ offset: true, error: 'History entry time must be an ISO-8601 date and time.' }),
  profileId: z.string().check(z.minLength(1, { error: 'History entry needs the profile id that sent the request.' }), z.maxLength(64)),
  profileName: z.string().check(z.maxLength(200)),
  sandbox: z.string().check(z.maxLength(64)),
  kind: z.enum(recordedKinds, { error: `History entry kind must be one of: ${recordedKinds.join(', ')}.` }),
  sessionRef: z.optional(
    z.object({
      scid: z.string().check(z.maxLength(64)),
      templateName: z.string().check(z.maxLength(100)),
      name: z.string().check(z.maxLength(100)),
    }),
  ),
  invitedXuid: z.optional(z.string().check(z.maxLength(20))),
  /** The invitees of an MPA invite: one call, one entry, up to 16 people. */
  invitedXuids: z.optional(z.array(z.string().check(z.maxLength(20))).check(z.maxLength(16))),
  recipientLabel: z.optional(z.string().check(z.maxLength(200))),
  request: z.object({
    method: z.string().check(z.maxLength(10)),
    url: z.string().check(z.maxLength(4096)),
    headers,
    body: z.optional(z.string().check(z.maxLength(1024 * 1024))),
  }),
  response: z.optional(
    z.object({
      status: z.number().check(z.int()),
      headers,
      body: z.string(),
    }),
  ),
  correlationId: z.optional(z.string().check(z.maxLength(200))),
  handleId: z.optional(z.string().check(z.maxLength(64))),
  durationMs: z.number().check(z.gte(0, { error: 'Duration cannot be negative.' })),
  error: z.optional(z.object({ code: z.enum(errorCodes), message: z.string() })),
  /** An outbox item's earlier attempts that sent it back to the queue: one row per outcome, its attempts listed here. */
  attempts: z.optional(
    z
      .array(
        z.strictObject({
          at: z.string().check(z.maxLength(40)),
          code: z.enum(errorCodes),
          message: z.string().check(z.maxLength(2000)),
          status: z.optional(z.number().check(z.int())),
        }),
      )
      .check(z.maxLength(50, { error: 'At most 50 earlier attempts per history entry.' })),
  ),
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

/** What history reads from an exchange: an MPSD one, or an MPA one (which has no session, handle or single invitee). */
export type RecordedExchange = Omit<MpsdExchange, 'kind'> & { kind: RecordedKind };

/** Builds a history entry from one exchange the MPSD or MPA client recorded. */
export function historyEntryFromExchange(
  exchange: RecordedExchange,
  sender: HistorySender,
  attempts?: readonly OutboxAttempt[],
): HistoryEntryInput {
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

/**
 * The invited_xuid column: an MPSD invite's one XUID, or an MPA invite's XUIDs separated by
 * spaces, so history's substring search finds the entry by any of its invitees.
 */
export function invitedColumn(entry: Pick<HistoryEntryInput, 'invitedXuid' | 'invitedXuids'>): string | null {
  return entry.invitedXuid ?? (entry.invitedXuids === undefined ? null : entry.invitedXuids.join(' '));
}

/** The invitees an entry names, read back from its invited_xuid column. */
export function inviteesOf(kind: string, column: string | null): { invitedXuid?: string; invitedXuids?: string[] } {
  if (column === null) return {};
  return kind === 'mpa.invite.send' ? { invitedXuids: column.split(' ') } : { invitedXuid: column };
}
