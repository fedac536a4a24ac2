/**
 * The MPA calls an MPA preset makes from the app, labelled for the run's progress: the calls
 * are mpaPresetRequests' (app/shared/presets/mpa-preset-requests.ts), the ones the CLI's
 * `preset send` makes, so a preset means the same calls wherever it is sent; what is missing
 * is said in the app's words.
 */
import type { MpaRequestInput } from '../../../app/shared/mpa/requests.ts';
import { mpaPresetRequests } from '../../../app/shared/presets/mpa-preset-requests.ts';
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
  const planned = mpaPresetRequests(preset, recipientXuids, ownXuid);
  if ('missing' in planned) {
    return {
      problem:
        planned.missing === 'ownXuid'
          ? `“${preset.name}” sets your MPA activity first, which names your own XUID: sign the profile in, or set its XUID in Profiles.`
          : `“${preset.name}” sets no activity and has no recipients: choose someone to invite.`,
    };
  }
  return planned.requests.map((request) => ({
    label: request.kind === 'mpa.invite.send' ? `Invite ${request.invitedUsers.length} in one call` : 'Set activity',
    request,
  }));
}
