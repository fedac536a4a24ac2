/**
 * What sending a preset does, as plain requests in order: optionally join the session and
 * set it as your activity first (so invitees can join you), then one invite.send to the
 * chosen recipients. Pure, so the order and the fields are easy to check.
 */
import type { MpsdPreset } from '../../../app/shared/presets/preset.ts';
import type { HandleRequestInput } from '../../../app/shared/mpsd/requests.ts';

export interface PresetStep {
  label: string;
  request: HandleRequestInput;
  recipientLabels?: Record<string, string>;
}

/** A fresh session name for presets that make a new session at each send. */
export function freshSessionName(): string {
  return `session-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * The steps for sending `preset` to `recipientXuids` (a subset of its recipients, in the
 * preset's order). `ownXuid` is needed to join first; without it that step cannot be built,
 * and the caller must say so rather than skip it.
 */
export function presetSteps(
  preset: MpsdPreset,
  recipientXuids: readonly string[],
  ownXuid: string | undefined,
  sessionName: string,
): PresetStep[] | { problem: string } {
  const name = preset.sessionRef.name ?? sessionName;
  const sessionRef = { scid: preset.sessionRef.scid, templateName: preset.sessionRef.templateName, name };
  const chosen = preset.recipients.filter((recipient) => recipientXuids.includes(recipient.xuid));
  if (chosen.length === 0) return { problem: 'Choose at least one recipient.' };
  const steps: PresetStep[] = [];
  if (preset.joinAndSetActivityFirst) {
    if (ownXuid === undefined) {
      return {
        problem:
          'This preset joins the session first, which needs your XUID: set “Your XUID” in the profile (Profiles, Edit), or sign in so the token names you.',
      };
    }
    steps.push({ label: `Join ${sessionRef.templateName}/${name}`, request: { kind: 'session.join', sessionRef, xuid: ownXuid } });
    steps.push({ label: 'Set activity', request: { kind: 'activity.set', sessionRef } });
  }
  const { titleId, context, contextString, senderString } = preset.inviteAttributes;
  steps.push({
    label: `Invite ${chosen.length} ${chosen.length === 1 ? 'person' : 'people'}`,
    request: {
      kind: 'invite.send',
      sessionRef,
      invitedXuids: chosen.map((recipient) => recipient.xuid),
      titleId,
      ...(context === undefined ? {} : { context }),
      ...(contextString === undefined ? {} : { contextString }),
      ...(senderString === undefined ? {} : { senderString }),
    },
    recipientLabels: Object.fromEntries(
      chosen.filter((recipient) => recipient.label !== '').map((recipient) => [recipient.xuid, recipient.label]),
    ),
  });
  return steps;
}
