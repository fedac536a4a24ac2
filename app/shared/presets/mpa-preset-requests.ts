/**
 * The MPA calls an MPA preset makes, in order: its activity (named by the sender's own XUID,
 * which MPA puts in the path) when it has one, then ONE invite call to the chosen recipients.
 * Pure and unchecked: parseMpaRequest judges each call. The CLI (`preset send`) and the app
 * both send a preset from here, so it means the same calls wherever it is sent.
 */
import type { MpaRequestInput } from '../mpa/requests.ts';
import type { MpaPreset } from './preset.ts';

export type MpaPresetRequests =
  | { requests: MpaRequestInput[] }
  /** ownXuid: the preset sets an activity and the sender's XUID is not known; nothing: no activity and no invitees. */
  | { missing: 'ownXuid' | 'anything' };

export function mpaPresetRequests(preset: MpaPreset, invitedUsers: readonly string[], ownXuid: string | undefined): MpaPresetRequests {
  const requests: MpaRequestInput[] = [];
  if (preset.activity !== undefined) {
    if (ownXuid === undefined) return { missing: 'ownXuid' };
    requests.push({ kind: 'mpa.activity.set', titleId: preset.titleId, xuid: ownXuid, ...preset.activity });
  }
  if (invitedUsers.length > 0)
    requests.push({ kind: 'mpa.invite.send', titleId: preset.titleId, invitedUsers: [...invitedUsers], ...preset.invite });
  return requests.length === 0 ? { missing: 'anything' } : { requests };
}
