/**
 * A send that went to the outbox, followed to its end: which outbox items are its own, and
 * what they are doing now, in words. Queued is a state, not a failure: the words say when the
 * next attempt is and what it waits for, and change as the outbox delivers.
 */
import type { OutboxItem } from '../../../app/shared/contract/outbox.ts';
import type { SendResult } from '../../../app/shared/contract/requests.ts';
import type { AppError } from '../../../app/shared/errors.ts';
import type { RequestKind } from '../../../app/shared/mpsd/wire.ts';
import { shortWhen } from '../ui/when.ts';

/** One request the send queued: its kind, and the invitee for an invite. */
export interface QueuedRequest {
  kind: RequestKind;
  invitedXuid?: string;
}

/** The requests a send result says it queued. */
export function queuedRequests(kind: RequestKind, result: Pick<SendResult, 'queued' | 'invitees'>): QueuedRequest[] {
  if (result.invitees !== undefined) {
    return result.invitees.filter((invitee) => invitee.state === 'queued').map((invitee) => ({ kind, invitedXuid: invitee.invitedXuid }));
  }
  return result.queued > 0 ? [{ kind }] : [];
}

/**
 * The outbox items that are this send's: for each queued request, the newest item of the
 * profile (any profile when unknown) with the same kind and invitee that no other request
 * claimed. Read right after the send answered, when its items are the newest of their kind
 * (whatever state they reached meanwhile: the outbox may have delivered them already).
 */
export function claimItems(items: readonly OutboxItem[], profileId: string | undefined, requests: readonly QueuedRequest[]): string[] {
  const newestFirst = items
    .filter((item) => profileId === undefined || item.profileId === profileId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const claimed: string[] = [];
  for (const request of requests) {
    const match = newestFirst.find(
      (item) => item.kind === request.kind && item.invitedXuid === request.invitedXuid && !claimed.includes(item.id),
    );
    if (match) claimed.push(match.id);
  }
  return claimed;
}

export interface QueuedProgress {
  total: number;
  sent: number;
  waiting: number;
  failed: number;
  outcomeUnknown: number;
  /** No longer in the outbox (dismissed): what happened to them is not known here. */
  gone: number;
  /** The earliest next attempt among the waiting items, when the outbox planned one. */
  nextAttemptAt?: string;
  /** Why the waiting items wait (their last error). */
  waitingBecause?: AppError;
}

/** Where this send's items are now. */
export function queuedProgress(ids: readonly string[], items: readonly OutboxItem[]): QueuedProgress {
  const progress: QueuedProgress = { total: ids.length, sent: 0, waiting: 0, failed: 0, outcomeUnknown: 0, gone: 0 };
  for (const id of ids) {
    const item = items.find((candidate) => candidate.id === id);
    if (item === undefined) progress.gone += 1;
    else if (item.state === 'sent') progress.sent += 1;
    else if (item.state === 'failed') progress.failed += 1;
    else if (item.state === 'outcome-unknown') progress.outcomeUnknown += 1;
    else {
      progress.waiting += 1;
      if (item.nextAttemptAt !== undefined && (progress.nextAttemptAt === undefined || item.nextAttemptAt < progress.nextAttemptAt)) {
        progress.nextAttemptAt = item.nextAttemptAt;
      }
      if (item.lastError !== undefined) progress.waitingBecause ??= item.lastError;
    }
  }
  return progress;
}

export interface QueuedWords {
  headline: string;
  /** What happens next, or what became of the items. */
  detail: string;
  tone: 'neutral' | 'ok' | 'warning';
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** When the waiting items go out, as the user can act on it (`inOutbox`: said on the Outbox screen itself). */
export function nextAttemptWords(
  progress: { nextAttemptAt?: string | undefined; waitingBecause?: AppError | undefined },
  now: number,
  inOutbox = false,
): string {
  const flush = inOutbox ? 'Flush now tries at once.' : 'Flush now in the Outbox tries at once.';
  // These wait for the user, not for time: the outbox does not try them until the token or keychain is fixed.
  switch (progress.waitingBecause?.code) {
    case 'UNAUTHORIZED':
      return 'Paused: MPSD refused the profile\u2019s token. It goes out once you paste a fresh token or sign in again in Profiles.';
    case 'NO_CREDENTIALS':
    case 'TOKEN_EXPIRED':
      return 'Paused until the profile has a valid token: it goes out once you paste one or sign in, in Profiles.';
    case 'KEYCHAIN_UNAVAILABLE':
      return 'Paused until the OS keychain answers, or you choose to keep tokens in memory for this run in Profiles.';
  }
  if (progress.nextAttemptAt === undefined || Date.parse(progress.nextAttemptAt) <= now) {
    return `It goes out automatically as soon as the network and a valid token are back; ${flush}`;
  }
  return `Next automatic attempt at ${shortWhen(progress.nextAttemptAt, new Date(now))}; ${flush}`;
}

/** The queued send in words: queued (neutral), delivered (ok), or needing a look (warning). */
export function queuedInWords(progress: QueuedProgress, now: number): QueuedWords {
  const { total, sent, waiting, failed, outcomeUnknown, gone } = progress;
  const trouble = failed + outcomeUnknown;
  const others = [
    failed > 0 ? `${failed} failed` : '',
    outcomeUnknown > 0 ? `${outcomeUnknown} with unknown outcome` : '',
    gone > 0 ? `${gone} dismissed` : '',
  ].filter((part) => part !== '');
  if (waiting === total) {
    return { headline: `Queued in the outbox (${plural(total, 'request')})`, detail: nextAttemptWords(progress, now), tone: 'neutral' };
  }
  if (sent === total) {
    return {
      headline: `Delivered by the outbox (${sent} of ${total} sent)`,
      detail: 'Every queued request went out; History has MPSD\u2019s answers.',
      tone: 'ok',
    };
  }
  const parts = [`${sent} of ${total} sent by the outbox`, ...(waiting > 0 ? [`${waiting} waiting`] : []), ...others];
  const detail =
    waiting > 0
      ? nextAttemptWords(progress, now)
      : trouble > 0
        ? 'Open the Outbox to see why, and decide whether to send them again.'
        : 'Nothing of this send is waiting any more.';
  return { headline: parts.join(', '), detail, tone: trouble > 0 ? 'warning' : waiting > 0 ? 'neutral' : 'ok' };
}
