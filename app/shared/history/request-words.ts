/**
 * The words people see for request kinds and outcomes, shared by the app (History, Drafts,
 * Outbox, Compose's picker) and the CLI (`history`), so the two never call the same
 * request by different names. `satisfies Record<…>` makes a new kind or outcome without
 * words here a type error.
 */
import type { HistoryOutcome, HistorySummary } from '../contract/history.ts';
import type { RecordedKind } from '../recorded-kinds.ts';
import { UNRECOGNIZED } from './unrecognized.ts';

export const requestKindLabels = {
  'activity.set': 'Set activity',
  'invite.send': 'Send invites',
  'activity.clear': 'Clear activity',
  'activity.query': 'Query activities',
  'handle.join': 'Join through handle',
  'handle.get': 'Get handle',
  'handle.delete': 'Delete handle',
  'handle.session': 'Handle\u2019s session',
  'transfer.create': 'Create transfer handle',
  'search.create': 'Create search handle',
  'search.query': 'Search sessions',
  'session.join': 'Join session',
  'session.get': 'Get session',
  'session.leave': 'Leave session',
  'mpa.activity.set': 'MPA: set activity',
  'mpa.activity.delete': 'MPA: delete activity',
  'mpa.activity.get': 'MPA: get activity',
  'mpa.activity.query': 'MPA: query activities',
  'mpa.invite.send': 'MPA: send invites',
  'mpa.recentPlayers.update': 'MPA: recent players',
} as const satisfies Record<RecordedKind, string>;

export const outcomeLabels = {
  ok: 'Succeeded',
  error: 'Failed',
  'outcome-unknown': 'Outcome unknown',
} as const satisfies Record<HistoryOutcome, string>;

/** Short label for tables and lists. */
export function requestKindLabel(kind: RecordedKind): string {
  return requestKindLabels[kind];
}

/** A stored value this build does not know, with the text it was stored as. */
function unknownToThisVersion(stored: string | undefined): string {
  return `Unknown to this version (${stored ?? 'no value'})`;
}

/** A history row's kind in words; one this build does not know is named as such, with its stored name. */
export function historyKindLabel(entry: Pick<HistorySummary, 'kind' | 'unrecognized'>): string {
  return entry.kind === UNRECOGNIZED ? unknownToThisVersion(entry.unrecognized?.kind) : requestKindLabel(entry.kind);
}

/** A history row's outcome in words, likewise. */
export function historyOutcomeLabel(entry: Pick<HistorySummary, 'outcome' | 'unrecognized'>): string {
  return entry.outcome === UNRECOGNIZED ? unknownToThisVersion(entry.unrecognized?.outcome) : outcomeLabels[entry.outcome];
}

/** A history row's error code as shown, likewise (undefined when the row has none). */
export function historyErrorCode(entry: Pick<HistorySummary, 'errorCode' | 'unrecognized'>): string | undefined {
  return entry.errorCode === UNRECOGNIZED ? unknownToThisVersion(entry.unrecognized?.errorCode) : entry.errorCode;
}
