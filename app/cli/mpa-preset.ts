/**
 * MPA presets in the CLI: `preset save --service mpa` reads one from flags, and `preset send`
 * turns one into its MPA calls (the activity first when the preset has one, then ONE invite
 * call for every recipient). Presets are for one service, as profiles are (mpa.md §6).
 */
import { HandleStudioError } from '../shared/errors.ts';
import { mpaJoinRestrictions, mpaPlatforms } from '../shared/mpa/requests.ts';
import { mpaPresetPart } from '../shared/presets/mpa-preset-parts.ts';
import { mpaPresetRequests } from '../shared/presets/mpa-preset-requests.ts';
import { mixedServicesReason, PRESET_SERVICE_WORDS } from '../shared/presets/preset-service.ts';
import type { MpaPreset, MpaPresetInput, Preset, PresetService } from '../shared/presets/preset.ts';
import type { FlagSpec, FlagValues } from './command.ts';
import { list, recipientsFromFlags, text, withoutUndefined } from './request-flags.ts';

/** The flags of an MPA preset, beside `preset save`'s MPSD ones. */
export const mpaPresetFlags = {
  service: {
    type: 'string',
    value: 'mpsd|mpa',
    help: 'mpsd (default): MPSD handles, one invite per recipient; mpa: Multiplayer Activity, one invite call for up to 16.',
  },
  connection: {
    type: 'string',
    value: 'TEXT',
    help: "MPA: the connection string of the activity (at most 511) and of the invite (at most 255) unless --invite-connection gives the invite's.",
  },
  'invite-connection': { type: 'string', value: 'TEXT', help: "MPA: the invite's own connection string (at most 255)." },
  'join-restriction': {
    type: 'string',
    value: mpaJoinRestrictions.join('|'),
    help: 'MPA: set this activity before inviting (who may join); left out, the preset only invites.',
  },
  'max-players': { type: 'string', value: 'N', help: "MPA: the activity's maxPlayers, 2 to 100." },
  'current-players': { type: 'string', value: 'N', help: "MPA: the activity's currentPlayers, 1 to 100." },
  'group-id': { type: 'string', value: 'ID', help: "MPA: the activity's groupId (at most 127 characters)." },
  platform: {
    type: 'string',
    value: mpaPlatforms.join('|'),
    help: 'MPA: only this platform, for the activity and the invite (allowCrossPlatformJoin false); left out, cross-platform.',
  },
} as const satisfies Record<string, FlagSpec>;

const MPSD_ONLY = ['scid', 'template', 'session', 'new-session-each-time', 'join-first', 'context', 'context-string', 'sender-string'];
const MPA_ONLY = ['connection', 'invite-connection', 'join-restriction', 'max-players', 'current-players', 'group-id', 'platform'];

/** The service `preset save` was asked for; the other service's flags are refused, naming them. */
export function presetServiceFromFlags(flags: FlagValues): PresetService {
  const service = text(flags, 'service')?.trim().toLowerCase() ?? 'mpsd';
  if (service !== 'mpsd' && service !== 'mpa') {
    throw new HandleStudioError(
      'VALIDATION',
      `--service: give mpsd (MPSD handles) or mpa (Multiplayer Activity), not "${service.slice(0, 20)}".`,
      {
        field: 'service',
      },
    );
  }
  const foreign = (service === 'mpa' ? MPSD_ONLY : MPA_ONLY).filter((flag) => flags[flag] !== undefined);
  if (foreign.length > 0) {
    const why =
      service === 'mpa'
        ? 'an MPA preset has no session, template or MPSD invite attributes'
        : 'they describe an MPA preset: add --service mpa';
    throw new HandleStudioError('VALIDATION', `${foreign.map((flag) => `--${flag}`).join(', ')}: ${why}.`, { field: foreign[0] });
  }
  return service;
}

/**
 * `preset save --service mpa`: the MPA preset the flags describe. Each part's flags are read as
 * the Presets editor reads its boxes (mpaPresetPart, the draft reader), so the preset schema
 * accepts and refuses the same text from either. `--platform` alone means allowCrossPlatformJoin
 * false, as a platform named in a draft without the cross-platform choice does.
 */
export function mpaPresetFromFlags(name: string, flags: FlagValues): MpaPresetInput {
  const recipients = recipientsFromFlags(list(flags, 'to'));
  const platform = text(flags, 'platform');
  const joinRestriction = text(flags, 'join-restriction');
  const connection = text(flags, 'connection');
  // As the editor sends it: blank is left out, so the schema says the title id is required.
  const titleId = text(flags, 'title-id')?.trim();
  return {
    service: 'mpa',
    name,
    titleId: titleId === '' ? undefined : titleId,
    ...(joinRestriction === undefined
      ? {}
      : {
          activity: mpaPresetPart(
            'mpa.activity.set',
            withoutUndefined({
              connectionString: connection,
              joinRestriction,
              maxPlayers: text(flags, 'max-players'),
              currentPlayers: text(flags, 'current-players'),
              groupId: text(flags, 'group-id'),
              platform,
            }),
          ),
        }),
    invite: mpaPresetPart(
      'mpa.invite.send',
      withoutUndefined({ connectionString: text(flags, 'invite-connection') ?? connection, platform }),
    ),
    recipients: recipients.xuids.map((xuid) => ({ xuid, label: recipients.labels.get(xuid) ?? '' })),
    notes: text(flags, 'notes') ?? '',
    favourite: flags['favourite'] === true,
  } as MpaPresetInput;
}

/**
 * Refuses a preset of one service sent as a profile set to the other: Microsoft advises one
 * service per title, never both (mpa.md §6), since the shell would get two kinds of invite for
 * one game. Without a profile (XBL_AUTHORIZATION) the preset's service decides.
 */
export function refuseMixedServices(preset: Preset, profile: { name: string; service: PresetService } | undefined): void {
  if (profile === undefined || profile.service === preset.service) return;
  throw new HandleStudioError(
    'VALIDATION',
    `${mixedServicesReason(preset, profile)} ` +
      `Send it as a profile set to ${PRESET_SERVICE_WORDS[preset.service]} (--profile NAME; \`handle-studio profile list\` shows each one's service), ` +
      `or pick one of this profile's presets (\`handle-studio preset list --profile "${profile.name}"\`).`,
    { field: 'profile' },
  );
}

/**
 * The MPA calls a preset makes (mpa-preset-requests.ts): its activity, then one invite call to
 * its recipients and those added with --to; what is missing is said in the CLI's words.
 */
export function mpaPresetSteps(preset: MpaPreset, flags: FlagValues, ownXuid: string | undefined): Record<string, unknown>[] {
  const added = recipientsFromFlags(list(flags, 'to'));
  const planned = mpaPresetRequests(preset, [...preset.recipients.map((recipient) => recipient.xuid), ...added.xuids], ownXuid);
  if ('requests' in planned) return planned.requests;
  throw planned.missing === 'ownXuid'
    ? new HandleStudioError(
        'VALIDATION',
        `--xuid: preset "${preset.name}" sets your MPA activity first, which names your own XUID: add --xuid YOUR_XUID (a profile that is signed in, or whose XUID is set in the app, gives it without the flag).`,
        { field: 'xuid' },
      )
    : new HandleStudioError(
        'VALIDATION',
        `Preset "${preset.name}" sets no activity and has no recipients: add --to XUID (repeat for more, at most 16 in all), or save the preset with some.`,
        { field: 'to' },
      );
}
