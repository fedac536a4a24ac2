/**
 * Why a preset of one service is not sent as a profile of the other, in the words the CLI and
 * the app both show: Microsoft advises one service per title, never both (mpa.md §6).
 */
import type { PresetService } from './preset.ts';

export const PRESET_SERVICE_WORDS: Record<PresetService, string> = { mpsd: 'MPSD handles', mpa: 'Multiplayer Activity (MPA)' };

export function mixedServicesReason(
  preset: { name: string; service: PresetService },
  profile: { name: string; service: PresetService },
): string {
  return (
    `Preset "${preset.name}" is for ${PRESET_SERVICE_WORDS[preset.service]} but profile "${profile.name}" is set to ${PRESET_SERVICE_WORDS[profile.service]}. ` +
    'Microsoft advises one service per title, not both (players would get two kinds of invite for one game), so it is not sent.'
  );
}
