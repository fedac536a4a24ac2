/**
 * Sending MPA calls saved in the app (a preset's activity and invite, a draft) from the CLI:
 * who sends (a profile, or XBL_AUTHORIZATION with --endpoint), every call checked before the
 * first goes out, then sent in order through core's `sendMpa`, stopping at the first that did
 * not go through. The words and the JSON are the `mpa ...` commands' own (mpa-commands.ts).
 */
import { profileChannels } from '../shared/contract/profiles.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { parseMpaRequest } from '../shared/mpa/wire.ts';
import type { MpaResult } from '../core/mpa/mpa-service.ts';
import { UsageError, type CommandSpec, type FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { report, send, type Sender } from './mpa-commands.ts';
import { text, withoutUndefined } from './request-flags.ts';
import { senderProfileId } from './send.ts';

/** Who an MPA call from a saved preset or draft goes out as. */
export interface MpaCaller extends Sender {
  /** The profile sent as (its name and service, for messages); undefined with XBL_AUTHORIZATION. */
  profile?: { name: string; service: 'mpsd' | 'mpa' };
}

/** The caller the flags name: --profile (or the active profile), else XBL_AUTHORIZATION; --xuid over the profile's own. */
export async function mpaCaller(context: CliContext, command: CommandSpec, flags: FlagValues): Promise<MpaCaller> {
  if (text(flags, 'profile') !== undefined && flags['endpoint'] !== undefined) {
    throw new UsageError('--endpoint applies only with XBL_AUTHORIZATION; a profile keeps its own endpoint.', command);
  }
  const profileId = await senderProfileId(context, flags);
  if (profileId === undefined && flags['queue'] === true) {
    throw new UsageError(
      "--queue needs --profile NAME (or an active profile: `profile use NAME`): the outbox sends later with a profile's stored token, and XBL_AUTHORIZATION is not stored.",
      command,
    );
  }
  const { profiles } = profileId === undefined ? { profiles: [] } : await callChannel(context, profileChannels, 'listProfiles', {});
  const profile = profiles.find((candidate) => candidate.id === profileId);
  const xuid = text(flags, 'xuid') ?? profile?.token.xuid ?? profile?.xuid;
  const caller: MpaCaller = withoutUndefined({ profileId, xuid });
  if (profile !== undefined) caller.profile = { name: profile.name, service: profile.service };
  return caller;
}

/**
 * Checks every call before any is sent (a mistake in the invite must not leave an activity
 * set); `refuse` turns the schema's words into the caller's ("Preset "X" cannot be sent: ...").
 */
export function checkMpaSteps(steps: readonly Record<string, unknown>[], refuse: (reason: string) => string): void {
  for (const step of steps) {
    try {
      parseMpaRequest(step);
    } catch (thrown) {
      const reason = thrown instanceof HandleStudioError ? thrown.message : 'it is not a valid MPA request.';
      throw new HandleStudioError('VALIDATION', refuse(reason), thrown instanceof HandleStudioError ? thrown.details : undefined);
    }
  }
}

/** True when the call went out, or waits in the outbox (the next step may then wait behind it). */
function wentThrough(result: MpaResult): boolean {
  return result.error === undefined || result.queued > 0;
}

/**
 * Sends the checked steps in order and reports each. With --json, one document: the last
 * call's, with the calls before it under `before`. Returns the exit code of the last call sent.
 */
export async function sendMpaSteps(
  context: CliContext,
  flags: FlagValues,
  caller: MpaCaller,
  steps: readonly Record<string, unknown>[],
): Promise<number> {
  const json = flags['json'] === true;
  const before: unknown[] = [];
  let exitCode = 0;
  for (const [index, step] of steps.entries()) {
    const result = await send(context, flags, caller, step, flags['queue'] === true);
    const captured: unknown[] = [];
    // The report's own JSON document, kept to print once with the steps before it.
    const reporting = json ? { ...context, printJson: (value: unknown) => void captured.push(value) } : context;
    exitCode = report(reporting, flags, caller, result);
    const last = index === steps.length - 1 || !wentThrough(result);
    if (json && last) context.printJson(before.length === 0 ? captured[0] : { ...(captured[0] as object), before });
    if (json && !last) before.push(captured[0]);
    if (!wentThrough(result)) {
      const next = steps[index + 1];
      if (next !== undefined) context.warn(`Stopped before ${String(next['kind'])}: the ${result.request.kind} call did not go through.`);
      return exitCode;
    }
  }
  return exitCode;
}
