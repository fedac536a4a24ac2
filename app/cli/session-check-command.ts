/**
 * Pre-flight from the command line: `handle-studio session check` reads a session as the
 * sender and lists what would make MPSD refuse an invite or activity, or the shell hide it,
 * each with its fix; `invite send --check` runs the same check right before the invites go
 * out and stops unless `--send-anyway` is given.
 *
 * Exit codes: 0 when nothing blocks or warns (notes alone are printed and pass); 8 when a
 * finding blocks or warns (nothing was sent). Reading the session can fail like any call (5
 * refused, 4 token, 6 network).
 */
import { inviteeChannels, type SessionCheck } from '../shared/contract/invitee.ts';
import { findingLines, worstSeverity } from '../shared/invitee/preflight.ts';
import type { HandleRequestInput } from '../shared/mpsd/requests.ts';
import { UsageError, type CommandSpec, type FlagSpec, type FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes.ts';
import { sessionFlags, sessionRefFromFlags, text } from './request-flags.ts';
import { profileIdByName } from './send.ts';

const platforms = ['xbox', 'pc'] as const;
type Platform = (typeof platforms)[number];

/** The flags both commands take to describe the send being checked. */
export const checkFlags = {
  'invitee-platform': {
    type: 'string',
    value: 'xbox|pc',
    help: 'Where the invitee plays (default xbox): pc adds the userAuthorizationStyle and crossPlay checks.',
  },
  'sender-platform': { type: 'string', value: 'xbox|pc', help: 'Where the sender plays (default xbox).' },
} as const satisfies Record<string, FlagSpec>;

function platform(values: FlagValues, name: keyof typeof checkFlags, command: CommandSpec): Platform | undefined {
  const value = text(values, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (!(platforms as readonly string[]).includes(value))
    throw new UsageError(`--${name} is xbox or pc, not "${value.slice(0, 20)}".`, command);
  return value as Platform;
}

/** 0 when nothing blocks or warns, 8 otherwise. */
export function exitCodeForCheck(check: SessionCheck): number {
  const worst = worstSeverity(check.findings);
  return worst === 'blocks' || worst === 'warns' ? EXIT_FINDINGS : EXIT_OK;
}

function printCheck(context: CliContext, check: SessionCheck, json: boolean, stream: 'say' | 'warn'): void {
  if (json) return;
  const { scid, templateName, name } = check.sessionRef;
  const where = `${scid}/${templateName}/${name}`;
  context[stream](
    check.findings.length === 0
      ? `Pre-flight: nothing in ${where} stands in the way.`
      : `Pre-flight of ${where}: ${check.findings.length} finding(s)`,
  );
  for (const line of findingLines(check.findings)) context[stream](`  ${line}`);
}

/** The profile a check reads as: --profile, or the active one. */
async function profileOf(context: CliContext, values: FlagValues): Promise<string | undefined> {
  const name = text(values, 'profile');
  return name === undefined ? undefined : profileIdByName(context, name);
}

export const sessionCheckCommand: CommandSpec = {
  path: ['session', 'check'],
  summary:
    'Pre-flight a session before inviting or setting an activity: reads it as the sender and lists what would make MPSD refuse the send or the shell hide it, each with the fix.',
  flags: {
    ...sessionFlags,
    handle: { type: 'string', value: 'GUID', help: 'Or a handle pointing at the session (instead of --scid/--template/--session).' },
    invitee: {
      type: 'string',
      value: 'XUID',
      help: 'Who would be invited (checks seats, reservations and join restriction against them).',
    },
    activity: { type: 'boolean', help: 'Check for setting an activity instead of sending an invite.' },
    ...checkFlags,
    profile: { type: 'string', value: 'NAME', help: "The sender's profile (default: the active one)." },
    xuid: { type: 'string', value: 'XUID', help: "The sender's XUID, when the profile's token was pasted." },
  },
  notes: ['Exit codes: 0 nothing blocks or warns (notes pass); 8 a finding blocks or warns; 5, 4, 6 when the session could not be read.'],
  examples: [
    'handle-studio session check --scid bd6c41c3-01c3-468a-a3b5-3e0fe8133862 --template GameSession --session lobby-7 --invitee 2814679796296492 --profile dev',
    'handle-studio session check --handle 6a3f0e1c-4b1e-4a57-9d8e-2f1c0b7a9e11 --activity --invitee-platform pc --json',
  ],
  async run(context, values) {
    const handleId = text(values, 'handle');
    const ref = sessionRefFromFlags(values);
    if ((handleId === undefined) === (Object.keys(ref).length === 0)) {
      throw new UsageError('Say which session: --scid, --template and --session, or --handle GUID (not both).', sessionCheckCommand);
    }
    const profileId = await profileOf(context, values);
    const inviteeXuid = text(values, 'invitee');
    const xuid = text(values, 'xuid');
    const [senderPlatform, inviteePlatform] = [
      platform(values, 'sender-platform', sessionCheckCommand),
      platform(values, 'invitee-platform', sessionCheckCommand),
    ];
    const check = await callChannel(context, inviteeChannels, 'checkSession', {
      ...(handleId === undefined ? { sessionRef: ref as { scid: string; templateName: string; name: string } } : { handleId }),
      action: values['activity'] === true ? 'activity' : 'invite',
      ...(profileId === undefined ? {} : { profileId }),
      ...(xuid === undefined ? {} : { xuid }),
      ...(inviteeXuid === undefined ? {} : { inviteeXuid }),
      ...(senderPlatform === undefined ? {} : { senderPlatform }),
      ...(inviteePlatform === undefined ? {} : { inviteePlatform }),
    });
    const code = exitCodeForCheck(check);
    if (values['json'] === true) context.printJson({ ok: code === EXIT_OK, exitCode: code, ...check });
    printCheck(context, check, values['json'] === true, 'say');
    return code;
  },
};

/**
 * `invite send --check`: pre-flights the invite's session as the sender, once per invitee,
 * right before the invites go out (after a preset's join, so the check sees what the invites
 * will meet). Answers an exit code to stop with, or undefined to go on: findings stop the send
 * unless `--send-anyway`, and are printed on stderr either way.
 */
export async function checkBeforeInvite(
  context: CliContext,
  values: FlagValues,
  request: HandleRequestInput,
  command: CommandSpec,
): Promise<number | undefined> {
  if (values['check'] !== true) {
    if (values['send-anyway'] === true) throw new UsageError('--send-anyway goes with --check.', command);
    return undefined;
  }
  if (request.kind !== 'invite.send') return undefined;
  if (
    text(values, 'endpoint') !== undefined ||
    (text(values, 'profile') === undefined && context.io.env['XBL_AUTHORIZATION'] !== undefined)
  ) {
    throw new UsageError(
      '--check reads the session as a profile: give --profile NAME (an XBL_AUTHORIZATION send cannot be checked).',
      command,
    );
  }
  const profileId = await profileOf(context, values);
  const [senderPlatform, inviteePlatform] = [platform(values, 'sender-platform', command), platform(values, 'invitee-platform', command)];
  let code: number = EXIT_OK;
  const checks: SessionCheck[] = [];
  let lastSaid: string | undefined;
  for (const inviteeXuid of request.invitedXuids) {
    const check = await callChannel(context, inviteeChannels, 'checkSession', {
      sessionRef: request.sessionRef,
      action: 'invite',
      inviteeXuid,
      ...(profileId === undefined ? {} : { profileId }),
      ...(request.senderXuid === undefined ? {} : { xuid: request.senderXuid }),
      ...(senderPlatform === undefined ? {} : { senderPlatform }),
      ...(inviteePlatform === undefined ? {} : { inviteePlatform }),
    });
    checks.push(check);
    if (exitCodeForCheck(check) !== EXIT_OK) code = EXIT_FINDINGS;
    // Most findings are the session's and the same for every invitee: say them again only when they differ.
    const said = findingLines(check.findings).join('\n');
    if (said !== lastSaid && values['json'] !== true) {
      context.warn(`For invitee ${inviteeXuid}:`);
      printCheck(context, check, false, 'warn');
    }
    lastSaid = said;
  }
  if (code === EXIT_OK) return undefined;
  if (values['send-anyway'] === true) {
    context.warn('Sending anyway (--send-anyway).');
    return undefined;
  }
  if (values['json'] === true) context.printJson({ ok: false, exitCode: code, sent: false, checks });
  context.warn('Nothing was sent. Fix what is listed, or add --send-anyway to send regardless.');
  return code;
}
