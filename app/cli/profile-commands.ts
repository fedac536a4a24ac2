/**
 * `profile list|show|add|remove|set-token|login|use`: the same profiles the app shows, over
 * the app's profile channels. A token only ever comes in through standard input or the
 * device-code sign-in, and only its state (who, until when) is ever printed.
 */
import {
  profileChannels,
  PRODUCTION_ENDPOINT,
  type Environment,
  type ProfileDraft,
  type ProfileView,
  type TokenState,
} from '../shared/contract/profiles.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { UsageError, type CommandSpec } from './command.ts';
import { callChannel, secretFormsOf, type CliContext } from './context.ts';
import { text, withoutUndefined } from './request-flags.ts';
import { profileIdByName } from './send.ts';
import { titleIdWithDecimal } from '../shared/mpsd/title-id-as-typed.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** An Authorization header value is a few kilobytes; anything far bigger is not one. */
const TOKEN_INPUT_MAX = 20_000;
/** How long `set-token` waits for standard input to end before giving up. */
const STDIN_TIMEOUT_MS = 30_000;

/** Production when no endpoint (or Microsoft's) is given, local for this machine, custom otherwise. */
export function environmentFor(endpoint: string | undefined): Environment {
  if (endpoint === undefined || endpoint.replace(/\/+$/, '') === PRODUCTION_ENDPOINT) return 'production';
  try {
    return LOOPBACK_HOSTS.has(new URL(endpoint).hostname) ? 'local' : 'custom';
  } catch {
    // Not a URL: let the profile schema say what is wrong with it.
    return 'custom';
  }
}

/** One line about a token, never the token; `profileName` goes into the command that fixes it. */
export function describeToken(token: TokenState, profileName = 'NAME'): string {
  const who = [token.gamertag, token.xuid === undefined ? undefined : `xuid ${token.xuid}`].filter(Boolean).join(', ');
  const until = token.expiresAt === undefined ? '' : ` until ${token.expiresAt}`;
  const where = token.vault === 'memory' ? ' (kept in memory for this run only: the OS keychain is unavailable)' : '';
  switch (token.state) {
    case 'none':
      return 'no token (run `profile set-token` or `profile login`)';
    case 'keychain-unavailable':
      return 'the OS keychain is unavailable, so no token can be read';
    case 'unreadable': {
      const name = `"${profileName}"`;
      const why = token.problem ?? 'The token kept in the OS keychain for this profile cannot be read.';
      return `UNREADABLE, not used: ${why} Replace it with \`handle-studio profile set-token ${name}\` or \`handle-studio profile login ${name}\`, or remove the profile with \`handle-studio profile remove ${name} --yes\`.`;
    }
    case 'refused': {
      const fix =
        token.source === 'signed-in' ? `handle-studio profile login "${profileName}"` : `handle-studio profile set-token "${profileName}"`;
      return `REFUSED by MPSD${token.refusedAt === undefined ? '' : ` at ${token.refusedAt}`}${who ? ` (token of ${who})` : ''}: it is not used again; run \`${fix}\`${where}`;
    }
    default:
      return `${token.state}${who ? ` as ${who}` : ''}${until}${where}`;
  }
}

/** How `profile login` ends: who is signed in and until when (never the token). */
export function signedInLine(profileName: string, token: TokenState): string {
  const who = token.gamertag ?? 'your test account';
  const xuid = token.xuid === undefined ? '' : ` (XUID ${token.xuid})`;
  const until = token.expiresAt === undefined ? '' : `; the token is valid until ${token.expiresAt}`;
  return `Signed in "${profileName}" as ${who}${xuid}${until}.`;
}

function printProfile(context: CliContext, profile: ProfileView): void {
  context.say(`${profile.active ? '* ' : '  '}${profile.name}`);
  context.say(
    `    environment ${profile.environment}, endpoint ${profile.endpoint}, sandbox ${profile.sandboxId}, contract ${profile.contractVersion}, locale ${profile.locale}, service ${profile.service === 'mpa' ? 'Multiplayer Activity (mpa)' : 'MPSD handles'}`,
  );
  if (profile.defaultScid !== undefined || profile.defaultTitleId !== undefined) {
    context.say(
      `    defaults: ${[profile.defaultScid && `scid ${profile.defaultScid}`, profile.defaultTitleId && `title ${titleIdWithDecimal(profile.defaultTitleId)}`].filter(Boolean).join(', ')}`,
    );
  }
  context.say(`    token: ${describeToken(profile.token, profile.name)}`);
}

async function findProfile(context: CliContext, name: string): Promise<ProfileView> {
  const id = await profileIdByName(context, name);
  const { profiles } = await callChannel(context, profileChannels, 'listProfiles', {});
  const profile = profiles.find((candidate) => candidate.id === id);
  if (profile === undefined)
    throw new HandleStudioError('VALIDATION', `Profile "${name}" was removed meanwhile: see \`handle-studio profile list\`.`);
  return profile;
}

/**
 * All of standard input as text, for a token piped in. Refuses a terminal (typing a token
 * there would show it on screen and the CLI could not tell when it ends), and gives up
 * after a timeout so a forgotten pipe never hangs a script.
 */
export async function readTokenFromStdin(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean },
  command: CommandSpec,
  timeoutMs = STDIN_TIMEOUT_MS,
): Promise<string> {
  if (stdin.isTTY === true) {
    throw new UsageError(
      'set-token reads the Authorization value from standard input, not from the keyboard: pipe it in, e.g. ' +
        '`pbpaste | handle-studio profile set-token dev` or `handle-studio profile set-token dev < auth.txt`.',
      command,
    );
  }
  const chunks: string[] = [];
  let size = 0;
  stdin.setEncoding('utf8');
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(
        new HandleStudioError(
          'VALIDATION',
          `Nothing ended on standard input within ${timeoutMs / 1000} s: pipe the Authorization value in and close the input.`,
        ),
      );
    }, timeoutMs);
    const onData = (chunk: string | Buffer) => {
      const part = String(chunk);
      size += part.length;
      if (size > TOKEN_INPUT_MAX) {
        finish();
        reject(
          new HandleStudioError(
            'VALIDATION',
            `Standard input holds more than ${TOKEN_INPUT_MAX} characters: pipe only the Authorization value.`,
          ),
        );
        return;
      }
      chunks.push(part);
    };
    const onEnd = () => {
      finish();
      resolve(chunks.join(''));
    };
    const onError = () => {
      finish();
      reject(new HandleStudioError('VALIDATION', 'Standard input could not be read: pipe the Authorization value in.'));
    };
    const finish = () => {
      clearTimeout(timer);
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      stdin.pause();
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
  });
}

const profileList: CommandSpec = {
  path: ['profile', 'list'],
  summary: 'List profiles with their endpoint, sandbox and token state (* marks the active one).',
  flags: {},
  examples: ['handle-studio profile list', 'handle-studio profile list --json'],
  run: async (context, flags) => {
    const listed = await callChannel(context, profileChannels, 'listProfiles', {});
    if (flags['json'] === true) {
      context.printJson({ ok: true, profiles: listed.profiles, activeProfileId: listed.activeProfileId });
      return 0;
    }
    if (listed.notice !== undefined) context.warn(`${listed.notice.message} (kept aside as ${listed.notice.keptAside})`);
    if (listed.profiles.length === 0) {
      context.say('No profiles yet. Add one: handle-studio profile add NAME --endpoint URL --sandbox ID');
      return 0;
    }
    for (const profile of listed.profiles) printProfile(context, profile);
    return 0;
  },
};

const profileShow: CommandSpec = {
  path: ['profile', 'show'],
  summary: "Show one profile's settings and token state (never the token).",
  positionals: ['NAME'],
  flags: {},
  examples: ['handle-studio profile show dev --json'],
  run: async (context, flags, [name]) => {
    const profile = await findProfile(context, name!);
    if (flags['json'] === true) context.printJson({ ok: true, profile });
    else printProfile(context, profile);
    return 0;
  },
};

const profileAdd: CommandSpec = {
  path: ['profile', 'add'],
  summary: 'Add a profile: where requests go (endpoint), for which sandbox, with which defaults.',
  positionals: ['NAME'],
  flags: {
    endpoint: { type: 'string', value: 'URL', help: `MPSD base URL (default ${PRODUCTION_ENDPOINT}; http only on 127.0.0.1/localhost).` },
    sandbox: { type: 'string', value: 'ID', help: 'Sandbox id, e.g. XDKS.1 or ABCD.3.' },
    environment: {
      type: 'string',
      value: 'production|local|custom',
      help: 'What the endpoint is (guessed from --endpoint when left out).',
    },
    'title-id': { type: 'string', value: 'ID', help: 'Default title id (decimal or 0x hex).' },
    scid: { type: 'string', value: 'GUID', help: 'Default service configuration id.' },
    contract: { type: 'string', value: '104|105|107', help: 'x-xbl-contract-version to send (default 107).' },
    locale: { type: 'string', value: 'TAG', help: 'Accept-Language, e.g. en-US (the default).' },
    service: {
      type: 'string',
      value: 'mpsd|mpa',
      help: 'How the title sets activities and sends invites: MPSD handles (the default) or Multiplayer Activity (`mpa ...` commands).',
    },
    'client-id': { type: 'string', value: 'GUID', help: 'Azure application (client) id for `profile login`.' },
    authority: {
      type: 'string',
      value: 'URL',
      help: 'Microsoft account authority for sign-in (default https://login.microsoftonline.com/consumers).',
    },
    'user-auth-url': {
      type: 'string',
      value: 'URL',
      help: 'Xbox user token endpoint (default https://user.auth.xboxlive.com/user/authenticate).',
    },
    'xsts-url': { type: 'string', value: 'URL', help: 'XSTS endpoint (default https://xsts.auth.xboxlive.com/xsts/authorize).' },
  },
  notes: [
    "Leave --authority, --user-auth-url and --xsts-url out for Microsoft's real services; `emulator start` prints the values for its local sign-in stand-ins.",
  ],
  examples: [
    'handle-studio profile add local --endpoint http://127.0.0.1:7777 --sandbox XDKS.1',
    'handle-studio profile add "ABCD.3 dev" --sandbox ABCD.3 --title-id 0x4D2 --client-id 1f907974-e22b-4810-a9de-d9647380c97e',
    'handle-studio profile add local-sign-in --endpoint http://127.0.0.1:7777 --sandbox XDKS.1 --client-id 0f5b3c2e-7d4a-4e69-9b1c-5a8d2e6f4c31 ' +
      '--authority http://127.0.0.1:7778/consumers --user-auth-url http://127.0.0.1:7778/user/authenticate --xsts-url http://127.0.0.1:7778/xsts/authorize',
  ],
  run: async (context, flags, [name]) => {
    const endpoint = text(flags, 'endpoint');
    const contract = text(flags, 'contract');
    const tokenEndpoints = withoutUndefined({
      authority: text(flags, 'authority'),
      userAuthenticate: text(flags, 'user-auth-url'),
      xstsAuthorize: text(flags, 'xsts-url'),
    });
    const auth = withoutUndefined({
      msaClientId: text(flags, 'client-id'),
      tokenEndpoints: Object.keys(tokenEndpoints).length === 0 ? undefined : tokenEndpoints,
    });
    const saved = await callChannel(
      context,
      profileChannels,
      'saveProfile',
      withoutUndefined({
        name: name!,
        environment: text(flags, 'environment') ?? environmentFor(endpoint),
        endpoint,
        sandboxId: text(flags, 'sandbox'),
        defaultTitleId: text(flags, 'title-id'),
        defaultScid: text(flags, 'scid'),
        // The schema names the allowed versions; a non-number reaches it as NaN and is refused there.
        contractVersion: contract === undefined ? undefined : Number(contract),
        locale: text(flags, 'locale'),
        service: text(flags, 'service'),
        auth,
      }) as ProfileDraft,
    );
    if (flags['json'] === true) context.printJson({ ok: true, profile: saved });
    else {
      context.say(`Added profile "${saved.name}" (${saved.environment}, ${saved.endpoint}, sandbox ${saved.sandboxId}).`);
      context.say(
        `Next: pipe its token in with \`handle-studio profile set-token "${saved.name}"\`${saved.auth.msaClientId ? ` or run \`handle-studio profile login "${saved.name}"\`` : ''}.`,
      );
    }
    return 0;
  },
};

const profileRemove: CommandSpec = {
  path: ['profile', 'remove'],
  summary: 'Remove a profile and its keychain entries (needs --yes).',
  positionals: ['NAME'],
  flags: { yes: { type: 'boolean', help: 'Confirm the removal (the stored token is deleted too).' } },
  examples: ['handle-studio profile remove old-sandbox --yes'],
  run: async (context, flags, [name]) => {
    if (flags['yes'] !== true) {
      throw new UsageError(`Removing profile "${name}" also deletes its stored token: add --yes to confirm.`, profileRemove);
    }
    const profileId = await profileIdByName(context, name!);
    const { removed } = await callChannel(context, profileChannels, 'removeProfile', { profileId });
    if (flags['json'] === true) context.printJson({ ok: true, removed });
    else context.say(removed ? `Removed profile "${name}".` : `Profile "${name}" was already gone.`);
    return 0;
  },
};

const profileSetToken: CommandSpec = {
  path: ['profile', 'set-token'],
  summary: 'Store a profile\'s token: reads the whole "XBL3.0 x=<uhs>;<token>" Authorization value from standard input.',
  positionals: ['NAME'],
  flags: {
    expires: { type: 'string', value: 'TIME', help: 'When the token expires (ISO-8601), if its own expiry cannot be read.' },
  },
  notes: ['The value goes to the OS keychain; only who it is for and until when is printed.'],
  examples: [
    'pbpaste | handle-studio profile set-token dev',
    'handle-studio profile set-token local --expires 2026-05-01T18:00:00Z < auth.txt',
  ],
  run: async (context, flags, [name]) => {
    const profileId = await profileIdByName(context, name!);
    const authorization = (await readTokenFromStdin(context.io.stdin, profileSetToken)).trim();
    if (authorization === '') {
      throw new HandleStudioError(
        'VALIDATION',
        'Standard input was empty: pipe in the whole Authorization value (XBL3.0 x=<uhs>;<token>).',
      );
    }
    for (const form of secretFormsOf(authorization)) context.addSecret(form);
    const expires = text(flags, 'expires');
    const state = await callChannel(context, profileChannels, 'pasteToken', {
      profileId,
      authorization,
      ...(expires === undefined ? {} : { expiresAt: expires }),
    });
    if (flags['json'] === true) context.printJson({ ok: true, token: state });
    else context.say(`Stored the token for "${name}": ${describeToken(state, name)}.`);
    return 0;
  },
};

const profileLogin: CommandSpec = {
  path: ['profile', 'login'],
  summary: "Sign in with a Microsoft test account (device code) and get an XSTS token for the profile's sandbox.",
  positionals: ['NAME'],
  flags: {},
  notes: [
    'Prints a URL and a code; open the URL on any device, type the code, and the command finishes when the sign-in does. Ctrl+C cancels.',
  ],
  examples: ['handle-studio profile login "ABCD.3 dev"'],
  run: async (context, flags, [name]) => {
    const profileId = await profileIdByName(context, name!);
    const studio = await context.studio();
    const json = flags['json'] === true;
    const unsubscribe = studio.events.subscribe((event, payload) => {
      if (event !== 'signInProgress') return;
      const progress = payload as {
        profileId: string;
        stage: string;
        userCode?: string;
        verificationUri?: string;
        expiresAt?: string;
        message: string;
      };
      if (progress.profileId !== profileId) return;
      if (progress.stage === 'device-code' && progress.userCode !== undefined) {
        // Goes to stderr even with --json, so stdout stays one JSON document.
        context.warn(
          `To sign in, open ${progress.verificationUri ?? 'https://microsoft.com/devicelogin'} and enter the code ${progress.userCode}${progress.expiresAt ? ` (before ${progress.expiresAt})` : ''}.`,
        );
        context.warn('Waiting for the sign-in to finish... (Ctrl+C cancels)');
      } else if (!json && progress.stage === 'getting-xbox-token') {
        context.warn(progress.message);
      }
    });
    const cancel = () => void callChannel(context, profileChannels, 'cancelSignIn', { profileId }).catch(() => undefined);
    context.signal.addEventListener('abort', cancel, { once: true });
    try {
      const state = await callChannel(context, profileChannels, 'signIn', { profileId, method: 'device-code' });
      if (json) context.printJson({ ok: true, token: state });
      else context.say(signedInLine(name!, state));
      return 0;
    } finally {
      unsubscribe();
      context.signal.removeEventListener('abort', cancel);
    }
  },
};

const profileUse: CommandSpec = {
  path: ['profile', 'use'],
  summary: 'Make a profile the active one (what the app sends with by default).',
  positionals: ['NAME'],
  flags: {},
  examples: ['handle-studio profile use dev'],
  run: async (context, flags, [name]) => {
    const profileId = await profileIdByName(context, name!);
    const profile = await callChannel(context, profileChannels, 'activateProfile', { profileId });
    if (flags['json'] === true) context.printJson({ ok: true, profile });
    else context.say(`"${profile.name}" is now the active profile.`);
    return 0;
  },
};

export const profileCommands: CommandSpec[] = [
  profileList,
  profileShow,
  profileAdd,
  profileRemove,
  profileSetToken,
  profileLogin,
  profileUse,
];
