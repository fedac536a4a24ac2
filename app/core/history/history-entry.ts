/**
 * What `HistoryStore.append` accepts, and how to make it from an `MpsdExchange`: the
 * exchange says what went out and what came back; the caller adds who sent it.
 */
import type { ErrorCode } from '../../shared/errors.ts';
import type { MpsdExchange } from '../../shared/mpsd/wire.ts';
import type { RecordedKind } from '../../shared/recorded-kinds.ts';
import type { OutboxAttempt } from '../../shared/contract/outbox.ts';

/** Response bodies longer than this (in characters) are cut, so one huge answer cannot bloat the file. */
export const RESPONSE_BODY_CAP = 64 * 1024;

/**
 * One entry for `HistoryStore.append`. Only Handle Studio's own code builds these (from the
 * exchanges its clients recorded, which checked what MPSD or MPA sent at the network), so the
 * store does not parse them again: that parse was about 6 µs of every invite (bench/send-path.ts).
 * The store still refuses a credential in the request and caps the response body.
 */
export interface HistoryEntryInput {
  /** The row's id when it records an outbox item's attempt (attempt-row-id.ts); a new one otherwise. */
  id?: string | undefined;
  /** ISO-8601, as `MpsdExchange.startedAt`. */
  at: string;
  profileId: string;
  profileName: string;
  sandbox: string;
  kind: RecordedKind;
  sessionRef?: { scid: string; templateName: string; name: string } | undefined;
  invitedXuid?: string | undefined;
  /** The invitees of an MPA invite: one call, one entry, up to 16 people. */
  invitedXuids?: string[] | undefined;
  recipientLabel?: string | undefined;
  request: { method: string; url: string; headers: Record<string, string>; body?: string | undefined };
  response?: { status: number; headers: Record<string, string>; body: string } | undefined;
  correlationId?: string | undefined;
  handleId?: string | undefined;
  durationMs: number;
  error?: { code: ErrorCode; message: string } | undefined;
  /** An outbox item's earlier attempts that sent it back to the queue: one row per outcome, its attempts listed here. */
  attempts?: { at: string; code: ErrorCode; message: string; status?: number | undefined }[] | undefined;
}

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
