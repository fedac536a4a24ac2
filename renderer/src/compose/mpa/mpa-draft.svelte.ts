/**
 * MPA Compose and drafts: the form's text stored as an MPA draft, and a draft read back into
 * the form through mpaRequestFromDraft (app/shared/drafts/mpa-draft-request.ts), the one reader
 * the CLI's `draft send` uses too, so a draft opened here is the call the CLI would send.
 *
 * The draft follows MPSD Compose's rules (DraftLink): it changes only when the user says so
 * (Update draft), and the form says when it holds changes the draft does not.
 */
import type { Draft } from '../../../../app/shared/contract/drafts.ts';
import { SEPARATORS, type DraftFields } from '../../../../app/shared/drafts/draft-request.ts';
import { isMpaKind, mpaRequestFromDraft, type MpaDraftTextField } from '../../../../app/shared/drafts/mpa-draft-request.ts';
import { DraftLink } from '../../drafts/draft-link.svelte.ts';
import type { MpaComposeForm } from './mpa-form.svelte.ts';
import type { MpaField } from './mpa-kinds.ts';

/** The draft MPA Compose came from: apart from MPSD Compose's, as the two forms are. */
export const mpaDraftLink = new DraftLink();

/**
 * A send asked for from another screen (a draft's Send, History's Resend): MPA Compose makes
 * it when it next shows, so the call goes out through the one send path that shows its answer.
 */
let sendAsked = false;

export function askToSend(): void {
  sendAsked = true;
}

/** True once after askToSend: the caller sends. */
export function takeSendRequest(): boolean {
  const asked = sendAsked;
  sendAsked = false;
  return asked;
}

const lines = (text: string): string[] => text.split(/\r?\n/).filter((line) => line.trim() !== '');

/** What a draft is made from: the text of each MPA field and the fields shown (Compose's MPA form, an MPA preset's part). */
export type MpaTypedText = Pick<MpaComposeForm, 'fields' | MpaField>;

/**
 * The form as typed, for a draft: the shown fields under the names MPA drafts use.
 * A recent player's line (`XUID Teammate`) is stored as drafts write it (`XUID=Teammate`).
 * The cross-platform choice is stored even when blank: a draft without it is read the way
 * drafts were before it existed (a named platform meant allowCrossPlatformJoin false).
 */
export function mpaDraftFields(form: MpaTypedText): DraftFields {
  const text: Partial<Record<MpaDraftTextField, string>> = {
    titleId: form.titleId,
    xuid: form.xuid,
    connectionString: form.connectionString,
    joinRestriction: form.joinRestriction,
    maxPlayers: form.maxPlayers,
    currentPlayers: form.currentPlayers,
    groupId: form.groupId,
    platform: form.platform,
    sequenceNumber: form.sequenceNumber,
    queryXuids: lines(form.users).join('\n'),
    recentPlayers: lines(form.recentPlayers)
      .map((line) => line.trim().split(SEPARATORS).join('='))
      .join('\n'),
  };
  const fields: DraftFields = {};
  for (const field of form.fields) {
    if (field === 'invitedUsers') fields['invitees'] = lines(form.invitedUsers);
    else if (field === 'users') fields['queryXuids'] = text.queryXuids ?? '';
    else if (field === 'crossPlatform') fields['crossPlatform'] = form.crossPlatform;
    else if (field in text && text[field as MpaDraftTextField] !== '') fields[field] = text[field as MpaDraftTextField] ?? '';
  }
  return fields;
}

/** What the link compares to say "unsaved changes": the draft the form would store now. */
export function mpaDraftSnapshot(form: MpaComposeForm): string {
  return JSON.stringify({ kind: form.kind, fields: mpaDraftFields(form) });
}

/** The form as last loaded, sent or saved (undefined: as it started, blank). */
let settled = $state<string | undefined>(undefined);

/** Marks the form as it is now as kept somewhere (loaded, sent, saved as a draft). */
export function settleMpaForm(form: MpaComposeForm): void {
  settled = mpaDraftSnapshot(form);
}

/**
 * True when the MPA form holds typing that was not loaded, sent or saved since (MPSD Compose's
 * rule): filling it from elsewhere (a draft, a history entry) would lose that work, so the
 * user is asked first. The join restriction always has a value, so it alone is not work.
 */
export function mpaHoldsUnsavedWork(form: MpaComposeForm): boolean {
  if (mpaDraftSnapshot(form) === settled) return false;
  return Object.entries(mpaDraftFields(form)).some(
    ([name, value]) =>
      name !== 'joinRestriction' && (Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value.trim() !== ''),
  );
}

/**
 * Fills the form from an MPA draft, read as the request the draft sends (a field the draft
 * leaves blank is blank here too), and links the draft, so Update draft writes back into it.
 */
export function openMpaDraft(form: MpaComposeForm, draft: Pick<Draft, 'id' | 'name' | 'kind' | 'fields' | 'updatedAt'>): void {
  if (!isMpaKind(draft.kind)) throw new Error(`Draft “${draft.name}” is an MPSD draft: open it in MPSD Compose.`);
  const { request } = mpaRequestFromDraft({ kind: draft.kind, fields: draft.fields });
  form.load(request);
  // load() drops a stored call's sequence number (History's resend must not reuse one); a
  // draft's is what the user typed, so it comes back.
  if ('sequenceNumber' in request && request.sequenceNumber !== undefined) form.sequenceNumber = String(request.sequenceNumber);
  settleMpaForm(form);
  mpaDraftLink.link(draft.id, draft.name, mpaDraftSnapshot(form), draft.updatedAt);
}
