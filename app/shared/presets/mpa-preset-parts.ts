/**
 * An MPA preset's activity or invite read from the text typed for it, box by box: by the
 * Presets editor (its MpaPresetPart boxes) and by the CLI (`preset save --service mpa` flags).
 * The text is read as MPA Compose's is, as a draft of that call (mpaRequestFromDraft), so a
 * field means the same typed in a preset, in Compose, in a draft or as a flag, and the preset
 * schema then accepts or refuses it alike wherever it was typed. Nothing is judged here.
 */
import type { DraftFields } from '../drafts/draft-request.ts';
import { mpaRequestFromDraft } from '../drafts/mpa-draft-request.ts';
import type { MpaPresetInput } from './preset.ts';

/** What the sender adds to a preset's call at send time (the title is the preset's own, beside its parts). */
const addedAtSend = new Set(['kind', 'titleId', 'xuid', 'sequenceNumber', 'invitedUsers']);

type MpaPresetParts = {
  'mpa.activity.set': NonNullable<MpaPresetInput['activity']>;
  'mpa.invite.send': NonNullable<MpaPresetInput['invite']>;
};

/** The part's text read as a draft of `kind` would be, less what the sender adds; unchecked, as a draft's call is. */
export function mpaPresetPart<Kind extends keyof MpaPresetParts>(kind: Kind, fields: DraftFields): MpaPresetParts[Kind] {
  const { request } = mpaRequestFromDraft({ kind, fields });
  return Object.fromEntries(Object.entries(request).filter(([name]) => !addedAtSend.has(name))) as MpaPresetParts[Kind];
}
