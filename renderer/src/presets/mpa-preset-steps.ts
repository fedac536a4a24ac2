/**
 * The MPA calls an MPA preset makes from the app: its activity first (as the sender, whose XUID
 * MPA puts in the path) when it has one, then ONE invite call to the chosen recipients. Pure,
 * so the order and the fields are easy to check; the CLI builds the same two calls from its flags.
 */
import type { MpaRequestInput } from '../../../app/shared/mpa/requests.ts';
import type { MpaPreset } from '../../../app/shared/presets/preset.ts';

export interface MpaPresetStep {
  label: string;
  request: MpaRequestInput;
}

export function mpaPresetSteps(
  preset: MpaPreset,
  recipientXuids: readonly string[],
  ownXuid: string | undefined,
): MpaPresetStep[] | { problem: string } {
  const steps: MpaPresetStep[] = [];
  if (preset.activity !== undefined) {
    if (ownXuid === undefined) {
      return {
        problem: `“${preset.name}” sets your MPA activity first, which names your own XUID: sign the profile in, or set its XUID in Profiles.`,
      };
    }
    steps.push({
      label: 'Set activity',
      request: { kind: 'mpa.activity.set', titleId: preset.titleId, xuid: ownXuid, ...preset.activity },
    });
  }
  if (recipientXuids.length > 0) {
    steps.push({
      label: `Invite ${recipientXuids.length} in one call`,
      request: { kind: 'mpa.invite.send', titleId: preset.titleId, invitedUsers: [...recipientXuids], ...preset.invite },
    });
  }
  if (steps.length === 0) return { problem: `“${preset.name}” sets no activity and has no recipients: choose someone to invite.` };
  return steps;
}
