/**
 * `handle-studio emulator start`: runs the local MPSD in the foreground until Ctrl+C (or
 * SIGTERM), so a developer or a CI job can point profiles and `--endpoint` at it.
 */
import { runEmulatorCommand } from '../emulator/serve.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { visibleLines } from '../shared/visible-text.ts';
import { UsageError, type CommandSpec } from './command.ts';
import { text } from './request-flags.ts';

/** Reads --port: a whole number 0-65535 (0 = any free port); default 7777, the port the examples use. */
export function portFromFlag(flag: string | undefined): number {
  if (flag === undefined) return 7777;
  const port = /^[0-9]{1,5}$/.test(flag.trim()) ? Number(flag) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new HandleStudioError('VALIDATION', '--port must be a whole number from 0 to 65535 (0 picks a free port).', { field: 'port' });
  }
  return port;
}

/**
 * A port another program holds is the user's choice of port, not a bug (exit 1, INTERNAL): a
 * usage error naming the port and how to pick another (exit 2).
 */
async function withPortInUseAsUsage<T>(port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (thrown) {
    const inUse = thrown instanceof HandleStudioError ? thrown.details?.['portInUse'] : undefined;
    if (typeof inUse !== 'number') throw thrown;
    const which = inUse === port ? '' : ` (the sign-in stand-ins take the port after --port ${port})`;
    throw new UsageError(
      `Port ${inUse} is already in use${which}: another program, or another emulator, listens there. Pick another with --port N, or --port 0 for free ones.`,
      emulatorStart,
    );
  }
}

export const emulatorStart: CommandSpec = {
  path: ['emulator', 'start'],
  summary: "Run the local MPSD (a strict stand-in for Xbox Live's session directory) and the sign-in stand-ins on 127.0.0.1 until Ctrl+C.",
  flags: {
    port: {
      type: 'string',
      value: 'N',
      help: 'Port for the MPSD (default 7777; 0 picks free ones); the sign-in stand-ins take the next port.',
    },
    'no-rate-limits': { type: 'boolean', help: "Turn off MPSD's per-user rate limits (30 per 15 s, 300 per 300 s)." },
    seed: {
      type: 'string',
      value: 'TEXT',
      help: "Derive the test users' tokens from TEXT, so they stay valid when the emulator is restarted with the same seed.",
    },
    templates: {
      type: 'string',
      value: 'FILE',
      help: 'Session templates per SCID from a JSON file (default: the shipped GameSession, PcGameSession, LobbySession, OwnedSession and LegacySession for any SCID).',
    },
    follows: {
      type: 'string',
      value: 'FILE',
      help: 'Who follows whom, from a JSON file { "<xuid>": { "follows": [...], "favorites": [...] } } (default: nobody follows anybody).',
    },
    'presence-check': {
      type: 'boolean',
      help: 'Demote active members who are not playing the title (POST /_emulator/presence says who plays what), as MPSD does.',
    },
  },
  notes: [
    'With --json the first line is one JSON object { "url", "users": [{ "xuid", "gamertag", "deviceId", "authorization" }], ' +
      '"tokenServices": { "authority", "userAuthenticate", "xstsAuthorize", "clientId" } }. ' +
      "The test users' Authorization values, and tokens from the sign-in stand-ins, work only against this emulator.",
    'A device-code sign-in against the stand-ins is approved on their /link page, or by POSTing {"userCode","xuid"?} as JSON to /_emulator/device-codes/approve on them.',
  ],
  examples: [
    'handle-studio emulator start',
    'handle-studio emulator start --port 0 --json --no-rate-limits',
    'handle-studio emulator start --seed my-sandbox',
    'handle-studio emulator start --templates my-templates.json --follows follows.json --presence-check',
  ],
  run: async (context, flags) => {
    const port = portFromFlag(text(flags, 'port'));
    const json = flags['json'] === true;
    const seed = text(flags, 'seed');
    const templatesFile = text(flags, 'templates');
    const followsFile = text(flags, 'follows');
    const emulator = await withPortInUseAsUsage(port, () =>
      runEmulatorCommand(
        {
          port,
          rateLimits: flags['no-rate-limits'] !== true,
          json,
          presenceCheck: flags['presence-check'] === true,
          ...(seed === undefined ? {} : { seed }),
          ...(templatesFile === undefined ? {} : { templatesFile }),
          ...(followsFile === undefined ? {} : { followsFile }),
        },
        // Straight to stdout, not through say(): say() masks anything shaped like a token, and the
        // test users' Authorization values are what this command is for. They are not secrets: they
        // work only against this emulator process and die with it.
        (line) => void context.io.stdout.write(`${visibleLines(line)}\n`),
      ),
    );
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      else context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await emulator.stop();
    if (!json) context.warn('Local MPSD and sign-in stand-ins stopped.');
    return 0;
  },
};
