/**
 * `preset list|show|save|send|delete|import|export`, and turning a preset into the requests of
 * `invite send --preset NAME`. Presets are the app's own (the same file the Presets screen
 * edits), reached through the preset channels. An MPA preset (mpa-preset.ts) is sent with
 * `preset send`, which sends an MPSD preset as `invite send --preset` does.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { presetChannels } from '../shared/contract/presets.ts';
import { profileChannels } from '../shared/contract/profiles.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { visibleJson } from '../shared/visible-text.ts';
import type { HandleRequestInput } from '../shared/mpsd/requests.ts';
import type { MpaPreset, MpsdPreset, Preset, PresetInput, PresetService } from '../shared/presets/preset.ts';
import type { CommandSpec, FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { EXIT_USAGE } from './exit-codes.ts';
import { inviteFlags, list, recipientsFromFlags, text, withoutUndefined, type Recipients } from './request-flags.ts';
import { mpaPresetFlags, mpaPresetFromFlags, mpaPresetSteps, presetServiceFromFlags, refuseMixedServices } from './mpa-preset.ts';
import { checkMpaSteps, mpaCaller, sendMpaSteps } from './mpa-steps.ts';
import { profileIdByName, senderProfileId } from './send.ts';
import { titleIdWithDecimal } from '../shared/mpsd/title-id-as-typed.ts';

/** Finds a preset by name (exact, then ignoring case). */
export async function presetByName(context: CliContext, name: string): Promise<Preset> {
  const { presets } = await callChannel(context, presetChannels, 'listPresets', {});
  const wanted = name.trim();
  const found =
    presets.find((preset) => preset.name === wanted) ?? presets.find((preset) => preset.name.toLowerCase() === wanted.toLowerCase());
  if (found === undefined) {
    throw new HandleStudioError(
      'VALIDATION',
      `There is no preset named "${wanted.slice(0, 100)}": see \`handle-studio preset list\`${presets.length === 0 ? ' (there are none yet; save one with `preset save`)' : ''}.`,
      { field: 'preset' },
    );
  }
  return found;
}

/** What `invite send --preset` sends: optional steps first (join, set activity), then the invite. */
export interface PresetSend {
  /** Requests to run before the invite, in order; the invite is not sent if one fails. */
  before: HandleRequestInput[];
  request: HandleRequestInput;
  recipientLabels: Record<string, string> | undefined;
}

/** Flags typed with `--preset` that override the preset's own values. */
export interface PresetOverrides {
  sessionRef?: { scid?: string; templateName?: string; name?: string };
  titleId?: string;
  context?: string;
  contextString?: string;
  senderString?: string;
}

/**
 * The invite a preset describes, with the typed flags on top: --to adds invitees after the
 * preset's recipients, other flags replace the preset's value. A preset that makes a new
 * session each time gets a fresh name here; one that joins first needs the sender's XUID.
 */
export async function presetInviteRequest(
  context: CliContext,
  name: string,
  overrides: PresetOverrides,
  added: Recipients,
  senderXuid: string | undefined,
  /** The profile the send goes as (undefined with XBL_AUTHORIZATION): its service must be the preset's, its user joins first. */
  sendingProfile: () => Promise<SenderProfile | undefined> = () => Promise.resolve(undefined),
): Promise<PresetSend> {
  const found = await presetByName(context, name);
  const profile = await sendingProfile();
  refuseMixedServices(found, profile);
  if (found.service === 'mpa') {
    throw new HandleStudioError(
      'VALIDATION',
      `Preset "${found.name}" is an MPA preset: \`invite send\` sends MPSD invite handles, and Microsoft advises not mixing the two for one title. Send it with \`handle-studio preset send "${found.name}"\`.`,
      { field: 'preset' },
    );
  }
  const preset: MpsdPreset = found;
  const fromPreset = preset.sessionRef;
  const typed = overrides.sessionRef ?? {};
  const sessionRef = {
    scid: typed.scid ?? fromPreset.scid,
    templateName: typed.templateName ?? fromPreset.templateName,
    // A fresh GUID per send: only letters, digits and '-', so a valid MPSD session name.
    name: typed.name ?? ('name' in fromPreset && fromPreset.name !== undefined ? fromPreset.name : randomUUID()),
  };
  const labels: Record<string, string> = {};
  for (const recipient of preset.recipients) if (recipient.label !== '') labels[recipient.xuid] = recipient.label;
  for (const [xuid, label] of added.labels) if (/^[0-9]{1,20}$/.test(xuid)) labels[BigInt(xuid).toString()] = label;
  const attributes = preset.inviteAttributes;
  const request = {
    kind: 'invite.send',
    sessionRef,
    invitedXuids: [...preset.recipients.map((recipient) => recipient.xuid), ...added.xuids],
    ...withoutUndefined({
      titleId: overrides.titleId ?? attributes.titleId,
      context: overrides.context ?? attributes.context,
      contextString: overrides.contextString ?? attributes.contextString,
      senderString: overrides.senderString ?? attributes.senderString,
    }),
  } as HandleRequestInput;

  const before: HandleRequestInput[] = [];
  if (preset.joinAndSetActivityFirst) {
    const joiner = senderXuid ?? profile?.xuid;
    if (joiner === undefined) {
      throw new HandleStudioError(
        'VALIDATION',
        `--xuid: preset "${preset.name}" joins the session and sets your activity before inviting, which needs your own XUID: add --xuid YOUR_XUID (a profile whose token names its user, or whose XUID is set in the app, gives it without the flag).`,
        { field: 'xuid' },
      );
    }
    before.push({ kind: 'session.join', sessionRef, xuid: joiner }, { kind: 'activity.set', sessionRef } as HandleRequestInput);
  }
  return { before, request, recipientLabels: Object.keys(labels).length > 0 ? labels : undefined };
}

/** The profile a send goes as: its name, service and user (its token's, else the one kept in the profile). */
export interface SenderProfile {
  name: string;
  service: PresetService;
  xuid?: string;
}

/** The profile a send goes as; undefined with XBL_AUTHORIZATION. */
export async function senderProfile(context: CliContext, flags: FlagValues): Promise<SenderProfile | undefined> {
  const profileId = await senderProfileId(context, flags, false);
  if (profileId === undefined) return undefined;
  const { profiles } = await callChannel(context, profileChannels, 'listProfiles', {});
  const profile = profiles.find((candidate) => candidate.id === profileId);
  if (profile === undefined) return undefined;
  return { name: profile.name, service: profile.service, ...withoutUndefined({ xuid: profile.token.xuid ?? profile.xuid }) };
}

/** An MPA preset's lines: the title, the activity it sets, how its one invite call goes out. */
function describeMpaPreset(context: CliContext, preset: MpaPreset): void {
  context.say(`    MPA, title ${titleIdWithDecimal(preset.titleId)}`);
  const { activity, invite } = preset;
  if (activity !== undefined) {
    const seats = activity.maxPlayers === undefined ? '' : `, ${activity.currentPlayers ?? '?'}/${activity.maxPlayers} players`;
    const group = activity.groupId === undefined ? '' : `, group ${activity.groupId}`;
    context.say(
      `    sets the activity first: ${activity.joinRestriction}${seats}${group}, ${activity.platform ?? 'cross-platform'}, connection string "${activity.connectionString}"`,
    );
  }
  const connection = invite.connectionString === undefined ? 'no connection string' : `connection string "${invite.connectionString}"`;
  context.say(`    invites in one MPA call: ${invite.platform ?? 'cross-platform'}, ${connection}`);
}

function describePreset(context: CliContext, preset: Preset): void {
  context.say(`${preset.favourite ? '* ' : '  '}${preset.name}`);
  if (preset.service === 'mpa') describeMpaPreset(context, preset);
  else {
    const ref = preset.sessionRef;
    const session = 'name' in ref ? ref.name : '(a new session each send)';
    context.say(`    session ${ref.scid} / ${ref.templateName} / ${session}, title ${titleIdWithDecimal(preset.inviteAttributes.titleId)}`);
  }
  if (preset.recipients.length > 0) {
    context.say(
      `    invites ${preset.recipients.map((recipient) => (recipient.label ? `${recipient.xuid} (${recipient.label})` : recipient.xuid)).join(', ')}`,
    );
  }
  if (preset.service === 'mpsd' && preset.joinAndSetActivityFirst)
    context.say('    joins the session and sets the activity before inviting');
  if (preset.notes.trim() !== '') context.say(`    notes: ${preset.notes.trim().split('\n')[0]}`);
}

const presetList: CommandSpec = {
  path: ['preset', 'list'],
  summary: 'List saved presets (favourites first).',
  flags: {
    search: { type: 'string', value: 'TEXT', help: 'Only presets whose name, session or recipients match.' },
    profile: { type: 'string', value: 'NAME', help: 'Only the presets this profile can send: those of its service (MPSD handles or MPA).' },
  },
  examples: [
    'handle-studio preset list',
    'handle-studio preset list --search friday --json',
    'handle-studio preset list --profile mpa-box',
  ],
  run: async (context, flags) => {
    const search = text(flags, 'search');
    const profileName = text(flags, 'profile');
    let service: PresetService | undefined;
    if (profileName !== undefined) {
      const profileId = await profileIdByName(context, profileName);
      const { profiles } = await callChannel(context, profileChannels, 'listProfiles', {});
      service = profiles.find((profile) => profile.id === profileId)?.service;
    }
    const { presets, status } = await callChannel(context, presetChannels, 'listPresets', withoutUndefined({ search, service }));
    if (flags['json'] === true) {
      context.printJson({ ok: true, presets });
      return 0;
    }
    if (status.damagedFileMovedTo !== undefined)
      context.warn(`The presets file was damaged and kept aside as ${status.damagedFileMovedTo}.`);
    if (presets.length === 0)
      context.say(search === undefined ? 'No presets yet. Save one with `handle-studio preset save NAME ...`.' : 'No preset matches.');
    for (const preset of presets) describePreset(context, preset);
    return 0;
  },
};

const presetShow: CommandSpec = {
  path: ['preset', 'show'],
  summary: 'Show one preset.',
  positionals: ['NAME'],
  flags: {},
  examples: ['handle-studio preset show friday-night --json'],
  run: async (context, flags, [name]) => {
    const preset = await presetByName(context, name!);
    if (flags['json'] === true) context.printJson({ ok: true, preset });
    else describePreset(context, preset);
    return 0;
  },
};

const presetSave: CommandSpec = {
  path: ['preset', 'save'],
  summary:
    'Save a preset (a new one, or replace the one with this name): a session, invite attributes and recipients; or with --service mpa, an MPA activity and invite.',
  positionals: ['NAME'],
  flags: {
    ...inviteFlags,
    ...mpaPresetFlags,
    'new-session-each-time': { type: 'boolean', help: 'Instead of --session: a fresh session name at every send.' },
    'join-first': { type: 'boolean', help: 'Join the session and set your activity before inviting.' },
    notes: { type: 'string', value: 'TEXT', help: 'Notes for the team.' },
    favourite: { type: 'boolean', help: 'Mark it as a favourite (listed first).' },
  },
  examples: [
    'handle-studio preset save friday-night --scid bd6c41c3-01c3-468a-a3b5-3e0fe8133862 --template GameSession --session lobby-7 --title-id 0x4D2 --to 2814679796296492=Alice --to 2814679796296493=Bob',
  ],
  run: async (context, flags, [name]) => {
    const service = presetServiceFromFlags(flags);
    const recipients = recipientsFromFlags(list(flags, 'to'));
    const mpsdInput = {
      name: name!,
      sessionRef: withoutUndefined({
        scid: text(flags, 'scid'),
        templateName: text(flags, 'template'),
        name: text(flags, 'session'),
        newNameEachTime: flags['new-session-each-time'] === true ? true : undefined,
      }),
      inviteAttributes: withoutUndefined({
        titleId: text(flags, 'title-id'),
        context: text(flags, 'context'),
        contextString: text(flags, 'context-string'),
        senderString: text(flags, 'sender-string'),
      }),
      recipients: recipients.xuids.map((xuid) => ({ xuid, label: recipients.labels.get(xuid) ?? '' })),
      joinAndSetActivityFirst: flags['join-first'] === true,
      notes: text(flags, 'notes') ?? '',
      favourite: flags['favourite'] === true,
    } as PresetInput;
    const input = service === 'mpa' ? mpaPresetFromFlags(name!, flags) : mpsdInput;
    const { presets } = await callChannel(context, presetChannels, 'listPresets', {});
    const existing = presets.find((preset) => preset.name.toLowerCase() === name!.trim().toLowerCase());
    const saved =
      existing === undefined
        ? await callChannel(context, presetChannels, 'createPreset', input)
        : await callChannel(context, presetChannels, 'updatePreset', { id: existing.id, preset: input });
    if (flags['json'] === true) context.printJson({ ok: true, preset: saved, replaced: existing !== undefined });
    else
      context.say(
        `${existing === undefined ? 'Saved' : 'Replaced'} preset "${saved.name}". Send it with \`handle-studio ${saved.service === 'mpa' ? 'preset send' : 'invite send --preset'} "${saved.name}" --profile NAME\`.`,
      );
    return 0;
  },
};

const presetSend: CommandSpec = {
  path: ['preset', 'send'],
  summary:
    "Send a preset in one go as a profile of the preset's service: an MPA preset sets its activity (when it has one), then invites every recipient in ONE MPA call; an MPSD preset is sent as `invite send --preset` sends it.",
  positionals: ['NAME'],
  flags: {
    profile: {
      type: 'string',
      value: 'NAME',
      help: "Send as this profile (its token and endpoint); it must be set to the preset's service. Default: the active profile when XBL_AUTHORIZATION is not set.",
    },
    endpoint: {
      type: 'string',
      value: 'URL',
      help: "With XBL_AUTHORIZATION: the MPSD base URL (a local MPSD also serves MPA on its origin); default Microsoft's.",
    },
    xuid: {
      type: 'string',
      value: 'XUID',
      help: "Your own XUID, for a preset that sets your activity or joins first (default: the profile's).",
    },
    to: {
      type: 'string',
      multiple: true,
      value: 'XUID[=label]',
      help: "Invite these too, after the preset's recipients (MPA: at most 16 in all).",
    },
    queue: { type: 'boolean', help: 'With a profile: put what cannot be sent now (offline, no valid token) in the outbox and exit 0.' },
  },
  notes: [
    'A preset goes out only as a profile of its own service: Microsoft advises one service per title, so an MPSD preset as an MPA profile (or the reverse) is refused, saying why.',
    'An MPA preset holds at most 16 recipients because MPA takes at most 16 per invite call and a preset is one call (one History entry, one outbox item).',
  ],
  examples: [
    'handle-studio preset send squad-lobby --profile mpa-box',
    'XBL_AUTHORIZATION="$AUTH" handle-studio preset send squad-lobby --endpoint http://127.0.0.1:7777 --xuid 2814679796296491 --json',
  ],
  run: async (context, flags, [name]) => {
    const preset = await presetByName(context, name!);
    const caller = await mpaCaller(context, presetSend, flags);
    refuseMixedServices(preset, caller.profile);
    if (preset.service === 'mpsd') {
      // The profile already chosen (and said) is named, so `invite send` does not choose it again.
      const { requestCommands } = await import('./request-commands.ts');
      const inviteSend = requestCommands.find((command) => command.path.join(' ') === 'invite send') as CommandSpec;
      return inviteSend.run(context, { ...flags, preset: preset.name, ...withoutUndefined({ profile: caller.profile?.name }) }, []);
    }
    const steps = mpaPresetSteps(preset, flags, caller.xuid);
    checkMpaSteps(steps, (reason) => `Preset "${preset.name}" cannot be sent: ${reason}`);
    return sendMpaSteps(context, flags, caller, steps);
  },
};

const presetDelete: CommandSpec = {
  path: ['preset', 'delete'],
  summary: 'Delete a preset.',
  positionals: ['NAME'],
  flags: {},
  examples: ['handle-studio preset delete friday-night'],
  run: async (context, flags, [name]) => {
    const preset = await presetByName(context, name!);
    await callChannel(context, presetChannels, 'deletePreset', { id: preset.id });
    if (flags['json'] === true) context.printJson({ ok: true, deleted: preset.name });
    else context.say(`Deleted preset "${preset.name}".`);
    return 0;
  },
};

/** The import preview, one line per kind of change, for people (stdout) or beside an error (stderr). */
function previewLines(preview: { added: string[]; replaced: string[]; unchanged: string[] }): string[] {
  const names = (list: string[]) => list.map((name) => `"${name}"`).join(', ');
  return [
    `  new (${preview.added.length})${preview.added.length > 0 ? `: ${names(preview.added)}` : ''}`,
    `  replaced (${preview.replaced.length})${preview.replaced.length > 0 ? `: ${names(preview.replaced)}` : ''}`,
    `  unchanged (${preview.unchanged.length})${preview.unchanged.length > 0 ? `: ${names(preview.unchanged)}` : ''}`,
  ];
}

const presetImport: CommandSpec = {
  path: ['preset', 'import'],
  summary:
    'Import a team presets file (all presets or none). Prints what is new, replaced and unchanged; replacing saved presets needs --yes. FILE "-" reads standard input.',
  positionals: ['FILE'],
  flags: { yes: { type: 'boolean', help: 'Replace saved presets that have the same name as one in the file.' } },
  examples: ['handle-studio preset import presets/team.json', 'handle-studio preset import presets/team.json --yes'],
  run: async (context, flags, [file]) => {
    const content = await readInput(context, file!);
    const preview = await callChannel(context, presetChannels, 'previewPresetImport', { content });
    const json = flags['json'] === true;
    if (preview.replaced.length > 0 && flags['yes'] !== true) {
      // Nothing is written: the caller sees exactly what --yes would replace.
      if (json)
        context.printJson({
          ok: false,
          exitCode: EXIT_USAGE,
          error: { code: 'USAGE', message: 'Importing would replace saved presets: run again with --yes.' },
          preview,
        });
      else {
        context.warn(`Importing ${file} would replace ${preview.replaced.length} saved preset${preview.replaced.length === 1 ? '' : 's'}:`);
        for (const line of previewLines(preview)) context.warn(line);
        context.warn('Nothing was imported. Run again with --yes to replace them.');
      }
      return EXIT_USAGE;
    }
    const imported = await callChannel(context, presetChannels, 'importPresets', { content, replaceExisting: flags['yes'] === true });
    if (json) {
      context.printJson({
        ok: true,
        added: imported.added,
        updated: imported.updated,
        unchanged: imported.unchanged,
        preview,
        presets: imported.presets.map((preset) => preset.name),
      });
    } else {
      context.say(`Imported ${file}: ${imported.added} new, ${imported.updated} replaced, ${imported.unchanged} unchanged.`);
      for (const line of previewLines(preview)) context.say(line);
    }
    return 0;
  },
};

const presetExport: CommandSpec = {
  path: ['preset', 'export'],
  summary: 'Write the team presets file (no ids, no profiles, never a token) to FILE, or to standard output when FILE is "-" or left out.',
  positionals: ['FILE?'],
  flags: { name: { type: 'string', multiple: true, value: 'NAME', help: 'Export only this preset (default: all).' } },
  examples: ['handle-studio preset export presets/team.json', 'handle-studio preset export - --name friday-night > friday.json'],
  run: async (context, flags, [file]) => {
    const names = list(flags, 'name');
    const ids = names.length === 0 ? undefined : await Promise.all(names.map(async (name) => (await presetByName(context, name)).id));
    const exported = await callChannel(context, presetChannels, 'exportPresets', ids === undefined ? {} : { ids });
    if (file === undefined || file === '-') {
      // The same JSON values, with any control or direction character of an older preset written as \uXXXX.
      context.io.stdout.write(visibleJson(exported.content));
      return 0;
    }
    const path = resolve(file);
    try {
      await writeFile(path, exported.content, 'utf8');
    } catch (thrown) {
      throw new HandleStudioError(
        'STORAGE',
        `Could not write ${path}: ${(thrown as NodeJS.ErrnoException).code ?? 'write failed'}. Check the folder exists and is writable.`,
      );
    }
    const count = (JSON.parse(exported.content) as { presets: unknown[] }).presets.length;
    if (flags['json'] === true) context.printJson({ ok: true, file: path, presets: count });
    else context.say(`Wrote ${count} preset${count === 1 ? '' : 's'} to ${path}.`);
    return 0;
  },
};

/** A file's text, or standard input for "-". */
async function readInput(context: CliContext, file: string): Promise<string> {
  if (file === '-') {
    const chunks: string[] = [];
    context.io.stdin.setEncoding('utf8');
    for await (const chunk of context.io.stdin) chunks.push(String(chunk));
    return chunks.join('');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    throw new HandleStudioError(
      'VALIDATION',
      code === 'ENOENT' ? `There is no file ${file}: check the path.` : `Could not read ${file} (${code ?? 'read failed'}).`,
    );
  }
}

export const presetCommands: CommandSpec[] = [presetList, presetShow, presetSave, presetSend, presetDelete, presetImport, presetExport];
