/**
 * The request kinds history and the outbox keep: MPSD's and MPA's. MPSD's own list stays
 * MPSD's (a WireRequest or a Compose form is never an MPA call); what records or queues
 * requests of either service uses this one, so a filter, a stored row and its words cover both.
 */
import { mpaKinds, type MpaKind } from './mpa/requests.ts';
import { requestKinds } from './mpsd/wire.ts';

export const recordedKinds = [...requestKinds, ...mpaKinds] as const;
export type RecordedKind = (typeof recordedKinds)[number];

const mpaKindSet: ReadonlySet<string> = new Set(mpaKinds);

/** True for the kinds that go to MPA rather than MPSD. */
export function isMpaKind(kind: string): kind is MpaKind {
  return mpaKindSet.has(kind);
}
