/**
 * `handle-studio emulator start`: starts the local MPSD and tells the caller where it is
 * and which test users it knows. The CLI owns argument parsing and the process's lifetime.
 */
import type { LocalMpsd } from './index.ts';
import { startLocalMpsd } from './index.ts';
import { invalidSetup } from './setup-errors.ts';

export interface EmulatorCommandArgs {
  /** 0 picks a free port. */
  port: number;
  rateLimits: boolean;
  /** Print one JSON object as the first line instead of a banner. */
  json: boolean;
  /** Same seed, same tokens after a restart (see LocalMpsdOptions.seed). */
  seed?: string;
}

/**
 * Starts the emulator and prints its URL and test users through `out`, one line per call.
 * With `json`, the first (and only) line is `{ "url", "users": [{ "xuid", "gamertag", "authorization" }] }`.
 * Returns the running emulator; the caller stops it.
 */
export async function runEmulatorCommand(
  args: EmulatorCommandArgs,
  out: (line: string) => void,
): Promise<LocalMpsd> {
  if (typeof args?.json !== 'boolean' || typeof args.rateLimits !== 'boolean') {
    invalidSetup('Emulator arguments need port, rateLimits (true/false) and json (true/false).');
  }
  const mpsd = await startLocalMpsd({ port: args.port, rateLimits: args.rateLimits, ...(args.seed === undefined ? {} : { seed: args.seed }) });
  const users = mpsd.users.map(({ xuid, gamertag, authorization }) => ({ xuid, gamertag, authorization }));
  if (args.json) {
    out(JSON.stringify({ url: mpsd.url, users }));
    return mpsd;
  }
  out(`Local MPSD listening on ${mpsd.url} (rate limits ${args.rateLimits ? 'on' : 'off'}).`);
  out('Test users (these Authorization values work only against this emulator):');
  for (const user of users) out(`  ${user.gamertag}  xuid ${user.xuid}  Authorization: ${user.authorization}`);
  out(`Control API: ${mpsd.url}/_emulator/ (users, invites, stats, faults, tokens).`);
  return mpsd;
}
