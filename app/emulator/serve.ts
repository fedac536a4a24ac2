/**
 * `handle-studio emulator start`: starts the local MPSD and, beside it, the sign-in
 * stand-ins (Microsoft account authority, user.auth, xsts.auth) sharing its test users, and
 * tells the caller where they are and who the test users are. The CLI owns argument parsing
 * and the process's lifetime.
 */
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { invalidSetup } from './setup-errors.ts';
import { APPROVE_CONTROL_PATH, startTokenServices, type TokenServices } from './token-services.ts';
import { LOCAL_SIGN_IN_CLIENT_ID, localSignInEndpoints, localSignInLinkPage, standInsPortBeside } from '../shared/local-sign-in.ts';

export interface EmulatorCommandArgs {
  /** 0 picks a free port. The sign-in stand-ins listen on the next port (or a free one with 0). */
  port: number;
  rateLimits: boolean;
  /** Print one JSON object as the first line instead of a banner. */
  json: boolean;
  /** Same seed, same tokens after a restart (see LocalMpsdOptions.seed). */
  seed?: string;
  /** A session templates JSON file (see templates.ts); default: the shipped default-templates.json. */
  templatesFile?: string;
  /** A follow graph JSON file (see follow-graph.ts); default: nobody follows anybody. */
  followsFile?: string;
  /** Demote active members who are not playing the title (see presence.ts). */
  presenceCheck?: boolean;
}

export interface RunningEmulator {
  mpsd: LocalMpsd;
  signIn: TokenServices;
  /** Stops the sign-in stand-ins and the MPSD. */
  stop(): Promise<void>;
}

/**
 * Starts the emulator and prints its URLs and test users through `out`, one line per call.
 * With `json`, the first (and only) line is
 * `{ "url", "users": [{ "xuid", "gamertag", "deviceId", "authorization" }], "tokenServices": { "authority", "userAuthenticate", "xstsAuthorize", "clientId" } }`.
 * Returns the running emulator; the caller stops it.
 */
export async function runEmulatorCommand(args: EmulatorCommandArgs, out: (line: string) => void): Promise<RunningEmulator> {
  if (typeof args?.json !== 'boolean' || typeof args.rateLimits !== 'boolean') {
    invalidSetup('Emulator arguments need port, rateLimits (true/false) and json (true/false).');
  }
  const mpsd = await startLocalMpsd({
    port: args.port,
    rateLimits: args.rateLimits,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.templatesFile === undefined ? {} : { templates: args.templatesFile }),
    ...(args.followsFile === undefined ? {} : { follows: args.followsFile }),
    ...(args.presenceCheck === undefined ? {} : { presenceCheck: args.presenceCheck }),
  });
  let signIn: TokenServices;
  try {
    signIn = await startTokenServices({ port: standInsPortBeside(args.port), directory: mpsd.directory });
  } catch (error) {
    await mpsd.stop();
    // Same code as the MPSD's own port-in-use error: a setup problem of this machine, not of the arguments.
    throw new HandleStudioError(
      'INTERNAL',
      `${error instanceof Error ? error.message : String(error)} (the sign-in stand-ins use the port after --port: pick another --port, or 0 for free ones).`,
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? { portInUse: standInsPortBeside(args.port) } : undefined,
    );
  }
  const running: RunningEmulator = {
    mpsd,
    signIn,
    async stop() {
      await signIn.close();
      await mpsd.stop();
    },
  };
  const users = mpsd.users.map(({ xuid, gamertag, deviceId, authorization }) => ({ xuid, gamertag, deviceId, authorization }));
  const endpoints = localSignInEndpoints(signIn.url);
  if (args.json) {
    out(JSON.stringify({ url: mpsd.url, users, tokenServices: { ...endpoints, clientId: LOCAL_SIGN_IN_CLIENT_ID } }));
    return running;
  }
  out(`Local MPSD listening on ${mpsd.url} (rate limits ${args.rateLimits ? 'on' : 'off'}).`);
  out('Test users (these Authorization values work only against this emulator):');
  for (const user of users) out(`  ${user.gamertag}  xuid ${user.xuid}  device ${user.deviceId}  Authorization: ${user.authorization}`);
  out(
    `Session templates: ${args.templatesFile ?? 'the shipped defaults (GameSession, PcGameSession, LobbySession, OwnedSession, LegacySession for any SCID)'}.`,
  );
  out(
    `Follow graph: ${args.followsFile ?? 'empty (nobody follows anybody)'}; presence check ${args.presenceCheck === true ? 'on' : 'off'}.`,
  );
  out(`Local MPA (Multiplayer Activity) on the same origin: ${mpsd.url}/titles/{titleId}/... (same users and tokens).`);
  out(`Control API: ${mpsd.url}/_emulator/ (users, invites, stats, faults, tokens, follows, presence, clock, mpa).`);
  out(`Sign-in stand-ins at ${signIn.url} (Microsoft account, user.auth, xsts.auth; their tokens work only against this emulator).`);
  out(`  In a local profile's "Advanced: sign-in", paste ${signIn.url} and choose "Use the local sign-in stand-ins", or set:`);
  out(`    application (client) id ${LOCAL_SIGN_IN_CLIENT_ID}`);
  out(`    authority ${endpoints.authority}`);
  out(`    user token URL ${endpoints.userAuthenticate}`);
  out(`    XSTS URL ${endpoints.xstsAuthorize}`);
  out(`  To approve a device code, open ${localSignInLinkPage(signIn.url)}, type the code and pick a test user,`);
  out(`  or POST {"userCode":"<code>","xuid":"<optional>"} as application/json to ${signIn.url}${APPROVE_CONTROL_PATH}.`);
  return running;
}
