/**
 * Sending one request from the CLI, as one of two callers:
 * - `--profile NAME`: through the app's `sendRequest` channel, with the profile's stored
 *   token, endpoint and contract version, and the outbox when `--queue` is given;
 * - otherwise with the `XBL_AUTHORIZATION` environment variable against `--endpoint`
 *   (Microsoft's MPSD by default), through core's ad-hoc send.
 * Either way the request is checked first, so a typo costs no network call and no token.
 */
import { randomUUID } from 'node:crypto';
import type { AuthorizationSource } from '../core/ports.ts';
import { parseXblAuthorization, formatXblAuthorization } from '../core/credentials/xbl-authorization.ts';
import { requestChannels, type SendResult } from '../shared/contract/requests.ts';
import { profileChannels } from '../shared/contract/profiles.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { contractVersionSchema, type ContractVersion } from '../shared/mpsd/ids.ts';
import { MPSD_BASE_URL, mpsdBaseUrlSchema } from '../shared/mpsd/endpoint.ts';
import type { HandleRequestInput } from '../shared/mpsd/requests.ts';
import { looksLikeToken, UsageError, type CommandSpec, type FlagSpec, type FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { parseRequestFromFlags, text } from './request-flags.ts';

/** Where the token and the endpoint come from; every request command takes these. */
export const senderFlags = {
  profile: {
    type: 'string',
    value: 'NAME',
    help: 'Send as this profile (its stored token, endpoint and contract version); default: the active profile when XBL_AUTHORIZATION is not set.',
  },
  endpoint: {
    type: 'string',
    value: 'URL',
    help: `MPSD base URL when sending with XBL_AUTHORIZATION (default ${MPSD_BASE_URL}).`,
  },
  contract: { type: 'string', value: '104|105|107', help: 'x-xbl-contract-version with XBL_AUTHORIZATION (default 107).' },
} as const satisfies Record<string, FlagSpec>;

export const AUTHORIZATION_NOTE =
  'Authorization: --profile NAME uses the token stored with `profile set-token` or `profile login`; ' +
  'without it the whole header value is read from the environment variable XBL_AUTHORIZATION ' +
  '("XBL3.0 x=<uhs>;<token>"); with neither (and no --endpoint or --contract), the active profile (`profile use NAME`) is used. ' +
  'Tokens are never accepted as flags.';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The XBL_AUTHORIZATION value as an AuthorizationSource. It cannot be renewed: after a 401
 * the only fix is a fresh value, which the message says how to get.
 */
export function environmentAuthorization(env: NodeJS.ProcessEnv): AuthorizationSource {
  const raw = env['XBL_AUTHORIZATION'];
  if (raw === undefined || raw.trim() === '') {
    throw new HandleStudioError(
      'NO_CREDENTIALS',
      'No credentials: set XBL_AUTHORIZATION to the whole "XBL3.0 x=<uhs>;<token>" header value, or pass --profile NAME (see `handle-studio profile add --help`).',
    );
  }
  let value: string;
  try {
    value = formatXblAuthorization(parseXblAuthorization(raw));
  } catch (thrown) {
    const reason = thrown instanceof HandleStudioError ? thrown.message : 'it is not an XBL3.0 header value.';
    throw new HandleStudioError('VALIDATION', `XBL_AUTHORIZATION: ${reason}`, { field: 'XBL_AUTHORIZATION' });
  }
  return {
    current: async () => value,
    renew: async () => {
      throw new HandleStudioError(
        'UNAUTHORIZED',
        'MPSD refused the XBL_AUTHORIZATION token (401): it has expired or is for another sandbox. Capture a fresh Authorization value and set XBL_AUTHORIZATION again.',
      );
    },
  };
}

/** Checks --endpoint: an origin, and https unless it is this machine (a token must not cross a network in clear). */
export function endpointFromFlag(flag: string | undefined): string {
  const parsed = mpsdBaseUrlSchema.safeParse(flag ?? MPSD_BASE_URL);
  if (!parsed.success) {
    throw new HandleStudioError('VALIDATION', `--endpoint: ${parsed.error.issues[0]?.message ?? 'not a valid URL.'}`, {
      field: 'endpoint',
    });
  }
  const url = new URL(parsed.data);
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new HandleStudioError(
      'VALIDATION',
      '--endpoint: use https; plain http is allowed only for 127.0.0.1 or localhost (the local MPSD), so the token never crosses a network unencrypted.',
      { field: 'endpoint' },
    );
  }
  return parsed.data;
}

/** Checks --contract: 104, 105 or 107. */
export function contractFromFlag(flag: string | undefined): ContractVersion {
  if (flag === undefined) return 107;
  const parsed = contractVersionSchema.safeParse(Number(flag));
  if (!parsed.success) {
    throw new HandleStudioError('VALIDATION', `--contract: ${parsed.error.issues[0]?.message ?? 'must be 104, 105 or 107.'}`, {
      field: 'contract',
    });
  }
  return parsed.data;
}

/** Finds a profile by its name (exact, then ignoring case) or its id. */
export async function profileIdByName(context: CliContext, name: string): Promise<string> {
  const { profiles } = await callChannel(context, profileChannels, 'listProfiles', {});
  const wanted = name.trim();
  const match =
    profiles.find((profile) => profile.name === wanted) ??
    profiles.find((profile) => profile.name.toLowerCase() === wanted.toLowerCase()) ??
    profiles.find((profile) => profile.id === wanted);
  if (match === undefined) {
    const known = profiles.map((profile) => `"${profile.name}"`).join(', ');
    throw new HandleStudioError(
      'VALIDATION',
      `There is no profile named ${looksLikeToken(wanted) ? '(that looks like a token, so it is not repeated here)' : `"${wanted.slice(0, 60)}"`}. ${known ? `Profiles: ${known}.` : 'Add one with `handle-studio profile add NAME --endpoint URL --sandbox ID`.'}`,
      { field: 'profile' },
    );
  }
  return match.id;
}

/**
 * The profile a request command sends as: `--profile NAME`; else, when neither
 * XBL_AUTHORIZATION nor the flags that go with it (--endpoint, --contract) are given, the
 * active profile, as the app would. Which one is said on stderr, so `--json` stays one
 * document. Undefined: send with XBL_AUTHORIZATION (which says what is missing).
 */
export async function senderProfileId(context: CliContext, flags: FlagValues, say = true): Promise<string | undefined> {
  const profileName = text(flags, 'profile');
  if (profileName !== undefined) return profileIdByName(context, profileName);
  const fromEnvironment = (context.io.env['XBL_AUTHORIZATION'] ?? '').trim() !== '';
  if (fromEnvironment || flags['endpoint'] !== undefined || flags['contract'] !== undefined) return undefined;
  const { profiles, activeProfileId } = await callChannel(context, profileChannels, 'listProfiles', {});
  const active = profiles.find((profile) => profile.id === activeProfileId);
  if (active === undefined) return undefined;
  // `say` is false for a look-up ahead of the send, which says it once itself.
  if (say)
    context.warn(
      `handle-studio: using the active profile "${active.name}" (no --profile or XBL_AUTHORIZATION given; change it with \`profile use NAME\`).`,
    );
  return active.id;
}

export interface SendOptions {
  request: HandleRequestInput;
  recipientLabels?: Record<string, string> | undefined;
  /** Put what cannot go out now in the outbox (profiles only). */
  queue?: boolean;
}

/**
 * Validates and sends one request with the credentials the flags and environment name.
 * Throws VALIDATION/NO_CREDENTIALS/... before sending; MPSD's own answers come back in the result.
 */
export async function sendWithFlags(
  context: CliContext,
  command: CommandSpec,
  flags: FlagValues,
  options: SendOptions,
): Promise<SendResult> {
  const request = parseRequestFromFlags(options.request);
  const runId = `cli-${randomUUID()}`;
  const labels = options.recipientLabels === undefined ? {} : { recipientLabels: options.recipientLabels };

  if (text(flags, 'profile') !== undefined) {
    for (const flag of ['endpoint', 'contract'] as const) {
      if (flags[flag] !== undefined) {
        throw new UsageError(
          `--${flag} applies only when sending with XBL_AUTHORIZATION; a profile keeps its own ${flag === 'endpoint' ? 'endpoint' : 'contract version'} (change it with \`profile add\`).`,
          command,
        );
      }
    }
  }
  const profileId = await senderProfileId(context, flags);
  if (profileId !== undefined) {
    return withCancellation(context, runId, () =>
      callChannel(context, requestChannels, 'sendRequest', {
        runId,
        profileId,
        request: options.request,
        ...labels,
        // Explicit both ways: the app queues by default, the CLI only when asked (--queue), so a
        // script that did not ask is told the send failed (exit 4 or 6) and nothing goes out later.
        queueIfUnavailable: options.queue === true,
      }),
    );
  }

  if (options.queue === true) {
    throw new UsageError(
      "--queue needs --profile NAME (or an active profile: `profile use NAME`): the outbox sends later with a profile's stored token, and XBL_AUTHORIZATION is not stored.",
      command,
    );
  }
  const endpoint = endpointFromFlag(text(flags, 'endpoint'));
  const contractVersion = contractFromFlag(text(flags, 'contract'));
  const authorization = environmentAuthorization(context.io.env);
  const studio = await context.studio();
  return withCancellation(context, runId, () => studio.sendAdHoc({ runId, request, ...labels, endpoint, contractVersion, authorization }));
}

/** Ctrl+C during a send asks core to stop: invitees not yet attempted are reported, nobody is half-invited twice. */
async function withCancellation(context: CliContext, runId: string, send: () => Promise<SendResult>): Promise<SendResult> {
  const cancel = () => {
    void callChannel(context, requestChannels, 'cancelRequest', { runId }).catch(() => undefined);
  };
  context.signal.addEventListener('abort', cancel, { once: true });
  try {
    return await send();
  } finally {
    context.signal.removeEventListener('abort', cancel);
  }
}
