/**
 * What the Inspector should open with when another screen sends the user there (History's
 * "Inspect session" and "Accept as…" on an invite, a preset card's "Round trip…"). Taken once
 * by the Inspector.
 */
import type { SessionRef } from '../../../app/shared/mpsd/session-ref.ts';

export interface InspectorTarget {
  handleId?: string;
  sessionRef?: SessionRef;
  /** Open the accept panel with this invite handle filled in. */
  accept?: boolean;
  /** Open with the round trip panel first, this preset chosen. */
  presetId?: string;
}

let pending = $state<InspectorTarget | undefined>(undefined);

export function openInInspector(target: InspectorTarget): void {
  pending = target;
}

/** The target, once: reading it clears it. */
export function takeInspectorTarget(): InspectorTarget | undefined {
  const target = pending;
  pending = undefined;
  return target;
}
