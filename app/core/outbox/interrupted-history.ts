/**
 * History for a send whose process died while it waited for the answer: the outbox finds the
 * item 'sending' with its sender gone and marks it outcome-unknown (outbox-store.ts), and this
 * gives it the History row the dead process could not write. Without it History would leave
 * out an invite that may have landed, and "send again to whom History does not list" would
 * invite that person twice. The row says so as a stalled server's row does (OUTCOME_UNKNOWN).
 *
 * The sender writes an attempt's History row as the answer lands and settles the item just
 * after; a kill between the two leaves the item 'sending' although History has the answer. The
 * row written here has the same id as the sender's (attempt-row-id.ts), so it is not written
 * then: History keeps MPSD's answer, not a second "outcome unknown" row for the same invite.
 */
import type { OutboxItem } from '../../shared/contract/outbox.ts';
import type { Profile } from '../../shared/contract/profiles.ts';
import { toAppError } from '../../shared/errors.ts';
import { isMpaKind } from '../../shared/recorded-kinds.ts';
import { mpaBaseUrlFor } from '../../shared/mpa/wire.ts';
import { previewRequest } from '../../shared/mpsd/http-export.ts';
import type { WireRequest } from '../../shared/mpsd/wire.ts';
import type { HistoryEntryInput } from '../history/history-entry.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { inviteesOfWire } from '../mpa/mpa-sender.ts';
import { attemptRowId, LIVE_ATTEMPT } from './attempt-row-id.ts';
import type { MpaWire } from '../../shared/mpa/wire.ts';

export const INTERRUPTED_MESSAGE =
  'Handle Studio stopped (killed or crashed) while this was being sent, before the answer was recorded, so it may or may not have gone out. Do not send it again blindly: check the session or ask the recipient first (the Outbox keeps it as outcome unknown).';

interface StoredCall {
  method?: unknown;
  path?: unknown;
  headers?: unknown;
  body?: unknown;
  sessionRef?: HistoryEntryInput['sessionRef'];
}

/** The request as it went out, as far as the item tells: the full URL while the profile is known, its path otherwise. */
function requestOf(item: OutboxItem, profile: Profile | undefined): HistoryEntryInput['request'] {
  const call = (item.request ?? {}) as StoredCall;
  if (profile !== undefined && !isMpaKind(item.kind)) {
    const sent = previewRequest(item.request as WireRequest, profile.endpoint, profile.contractVersion, profile.locale);
    return { method: sent.method, url: sent.url, headers: sent.headers, ...(sent.body === undefined ? {} : { body: sent.body }) };
  }
  const path = typeof call.path === 'string' ? call.path : '';
  const base = profile === undefined ? '' : isMpaKind(item.kind) ? mpaBaseUrlFor(profile.endpoint) : profile.endpoint;
  return {
    method: typeof call.method === 'string' ? call.method : 'POST',
    url: `${base}${path}`,
    headers: {},
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
  };
}

/** The History row of one interrupted item. */
export function interruptedEntry(item: OutboxItem, profile: Profile | undefined): HistoryEntryInput & { id: string } {
  const call = (item.request ?? {}) as StoredCall;
  return {
    // An item marked from 'queued' (an earlier boot's live invite whose claim a power cut may have lost) has 0 attempts on disk; the attempt that may have left is its first.
    id: attemptRowId(item.id, Math.max(LIVE_ATTEMPT, item.attempts)),
    at: item.updatedAt,
    profileId: item.profileId,
    profileName: profile?.name ?? item.profileName ?? '',
    sandbox: profile?.sandboxId ?? '',
    kind: item.kind,
    ...(call.sessionRef === undefined ? {} : { sessionRef: call.sessionRef }),
    ...(item.invitedXuid === undefined ? {} : { invitedXuid: item.invitedXuid }),
    // An MPA invite is one call to several people: History finds it by any of them.
    ...(item.kind === 'mpa.invite.send' ? { invitedXuids: inviteesOfWire(item.request as MpaWire) } : {}),
    ...(item.label === undefined ? {} : { recipientLabel: item.label }),
    request: requestOf(item, profile),
    durationMs: 0,
    error: { code: 'OUTCOME_UNKNOWN', message: INTERRUPTED_MESSAGE },
    ...(item.attemptLog === undefined ? {} : { attempts: item.attemptLog }),
  };
}

/** Whether History has a row with this id (one it cannot read, too: it is there). */
function hasRow(history: HistoryStore, id: string): boolean {
  try {
    history.get(id);
    return true;
  } catch (thrown) {
    return toAppError(thrown).code !== 'NOT_FOUND';
  }
}

/**
 * Writes one History row per interrupted item, unless the attempt's row is there already (the
 * sender wrote it, see the top). Never throws (it runs while the outbox opens): answers what
 * could not be written, for a notice; the outbox item keeps the truth either way.
 */
export function recordInterrupted(
  history: HistoryStore,
  items: readonly OutboxItem[],
  profile: (profileId: string) => Profile | undefined,
): string | undefined {
  let unwritten = 0;
  let reason = '';
  for (const item of items) {
    const entry = interruptedEntry(item, profile(item.profileId));
    if (hasRow(history, entry.id)) continue;
    try {
      history.append(entry);
    } catch (thrown) {
      // Refused because the row arrived since (its UNIQUE id): written once, which is the point.
      if (hasRow(history, entry.id)) continue;
      unwritten += 1;
      reason = toAppError(thrown).message;
    }
  }
  return unwritten === 0
    ? undefined
    : `${unwritten} outbox item(s) whose sending process stopped could not be added to History (${reason}); the Outbox lists them as outcome unknown.`;
}
