/**
 * `handle-studio`: the command-line front door over the same core as the app. Finds the
 * command named by the first words, reads its flags strictly, runs it, and turns every
 * failure into words on standard error and an exit code (see exit-codes.ts); never a stack
 * trace, never a secret.
 *
 * Start-up cost is a feature here: a CLI is run many times from scripts. So this module
 * imports only what every invocation needs; a command's module (and through it zod, the
 * contract's schemas, core, the stores, msal) is imported when that command runs.
 */
import { readFileSync } from 'node:fs';
import type { HandleStudio } from '../core/handle-studio.ts';
import { HandleStudioError, toAppError } from '../shared/errors.ts';
import {
  commandLine,
  helpText,
  looksLikeToken,
  parseCommandArgs,
  refuseSecretsInArguments,
  UsageError,
  type CommandSpec,
} from './command.ts';
import { createCliContext, type CliIo } from './context.ts';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.ts';

/** One row of the command table: enough to list and find a command without importing it. */
export interface CommandEntry {
  /** The words that select the command, as in its CommandSpec. */
  path: readonly string[];
  /** The overview's line: the first sentence of the spec's summary (cli-commands.test.ts keeps them equal). */
  line: string;
  /** Imports the module that declares the command; called only when the command is run or its help asked for. */
  module: () => Promise<readonly CommandSpec[]>;
}

const requestModule = async () => (await import('./request-commands.ts')).requestCommands;
const handleModule = async () => (await import('./handle-commands.ts')).handleCommands;
const profileModule = async () => (await import('./profile-commands.ts')).profileCommands;
const presetModule = async () => (await import('./preset-commands.ts')).presetCommands;
const historyModule = async () => {
  const [list, retention, exporting] = await Promise.all([
    import('./history-command.ts'),
    import('./history-retention-command.ts'),
    import('./history-export-command.ts'),
  ]);
  return [list.historyCommand, retention.historyRetentionCommand, exporting.historyExportCommand];
};
const outboxModule = async () => {
  const { outboxCommands, draftCommands } = await import('./outbox-commands.ts');
  return [...outboxCommands, ...draftCommands];
};
const emulatorModule = async () => [(await import('./emulator-command.ts')).emulatorStart];
const mpaModule = async () => (await import('./mpa-commands.ts')).mpaCommands;
const inviteeModule = async () => [
  (await import('./roundtrip-command.ts')).roundtripCommand,
  (await import('./session-check-command.ts')).sessionCheckCommand,
];

/**
 * Every command, in the order `handle-studio --help` lists them.
 *
 * To add a command: declare its CommandSpec in a module under app/cli (export it, alone or in
 * a list), add a loader above if the module is new (a dynamic `import()`, never a static one:
 * a static import here is paid by every run, `--help` included), then add a row here with
 * its words and the first sentence of its summary. `npx vitest run app/cli/cli-commands.test.ts`
 * checks that every row finds its spec and that the lines match the summaries.
 */
export const commandTable: readonly CommandEntry[] = [
  { path: ['activity', 'set'], line: 'Set your activity (POST /handles, type activity).', module: requestModule },
  {
    path: ['activity', 'get'],
    line: "Show one user's activity in a service config (POST /handles/query for that XUID), and whether its session can be joined.",
    module: requestModule,
  },
  { path: ['activity', 'clear'], line: 'Clear your activity in a service config.', module: requestModule },
  { path: ['activity', 'query'], line: 'Find activities in a service config.', module: requestModule },
  { path: ['invite', 'send'], line: 'Invite people to a session.', module: requestModule },
  {
    path: ['session', 'join'],
    line: 'Create or join a session as an active member (PUT .../sessions/{name}); needed before activity set.',
    module: requestModule,
  },
  { path: ['session', 'get'], line: 'Read a session document (GET .../sessions/{name}).', module: requestModule },
  {
    path: ['session', 'leave'],
    line: 'Leave a session (DELETE .../members/me); MPSD then drops your activity in it.',
    module: requestModule,
  },
  { path: ['session', 'check'], line: 'Pre-flight a session before inviting or setting an activity.', module: inviteeModule },
  { path: ['handle', 'get'], line: 'Read a handle document (GET /handles/{id}).', module: handleModule },
  { path: ['handle', 'delete'], line: 'Delete a handle (DELETE /handles/{id}).', module: handleModule },
  { path: ['handle', 'session'], line: 'Read the session a handle points at (GET /handles/{id}/session).', module: handleModule },
  { path: ['handle', 'join'], line: 'Join the session a handle points at (PUT /handles/{id}/session).', module: handleModule },
  { path: ['handle', 'transfer'], line: 'Create a transfer handle (POST /handles, type transfer).', module: handleModule },
  { path: ['handle', 'search-create'], line: 'Make a session findable (POST /handles, type search).', module: handleModule },
  {
    path: ['handle', 'search'],
    line: 'Find sessions of one template by their search handles (POST /handles/query, type search).',
    module: handleModule,
  },
  {
    path: ['profile', 'list'],
    line: 'List profiles with their endpoint, sandbox and token state (* marks the active one).',
    module: profileModule,
  },
  { path: ['profile', 'show'], line: "Show one profile's settings and token state (never the token).", module: profileModule },
  { path: ['profile', 'add'], line: 'Add a profile.', module: profileModule },
  { path: ['profile', 'remove'], line: 'Remove a profile and its keychain entries (needs --yes).', module: profileModule },
  { path: ['profile', 'set-token'], line: "Store a profile's token.", module: profileModule },
  {
    path: ['profile', 'login'],
    line: "Sign in with a Microsoft test account (device code) and get an XSTS token for the profile's sandbox.",
    module: profileModule,
  },
  { path: ['profile', 'use'], line: 'Make a profile the active one (what the app sends with by default).', module: profileModule },
  { path: ['preset', 'list'], line: 'List saved presets (favourites first).', module: presetModule },
  { path: ['preset', 'show'], line: 'Show one preset.', module: presetModule },
  { path: ['preset', 'save'], line: 'Save a preset (a new one, or replace the one with this name).', module: presetModule },
  { path: ['preset', 'send'], line: "Send a preset in one go as a profile of the preset's service.", module: presetModule },
  { path: ['preset', 'delete'], line: 'Delete a preset.', module: presetModule },
  { path: ['preset', 'import'], line: 'Import a team presets file (all presets or none).', module: presetModule },
  {
    path: ['preset', 'export'],
    line: 'Write the team presets file (no ids, no profiles, never a token) to FILE, or to standard output when FILE is "-" or left out.',
    module: presetModule,
  },
  { path: ['history'], line: 'List sent requests, newest first, with status, handle id and correlation id.', module: historyModule },
  {
    path: ['history', 'retention'],
    line: 'Show or set which history entries are kept; setting a rule removes the others now.',
    module: historyModule,
  },
  {
    path: ['history', 'export'],
    line: 'Write history as CSV or JSON (no tokens) to FILE, or to standard output when FILE is "-" or left out.',
    module: historyModule,
  },
  {
    path: ['outbox', 'list'],
    line: 'List requests waiting in the outbox (oldest first) and how many are in each state.',
    module: outboxModule,
  },
  {
    path: ['outbox', 'flush'],
    line: "Try to send every queued item now, one at a time, each with its own profile's token.",
    module: outboxModule,
  },
  {
    path: ['outbox', 'reassign'],
    line: 'Send queued items as another profile of the same service.',
    module: outboxModule,
  },
  {
    path: ['outbox', 'dismiss'],
    line: 'Remove one item from the outbox (a queued one is then never sent).',
    module: outboxModule,
  },
  { path: ['draft', 'list'], line: 'List drafts saved in the app, most recently changed first.', module: outboxModule },
  { path: ['draft', 'send'], line: 'Send a draft saved in the app (by name or id).', module: outboxModule },
  { path: ['roundtrip'], line: 'Run the invite round trip between two profiles.', module: inviteeModule },
  {
    path: ['mpa', 'activity', 'set'],
    line: 'Set or update your MPA activity (PUT /titles/{title}/users/{xuid}/activities).',
    module: mpaModule,
  },
  {
    path: ['mpa', 'activity', 'get'],
    line: "Show one user's MPA activity in a title (GET .../users/{xuid}/activities); the connection string only when you may join.",
    module: mpaModule,
  },
  {
    path: ['mpa', 'activity', 'delete'],
    line: 'Delete your MPA activity (DELETE .../users/{xuid}/activities), as a title must when the player leaves.',
    module: mpaModule,
  },
  {
    path: ['mpa', 'activity', 'query'],
    line: 'Read the MPA activities of up to 30 users in one call (POST /titles/{title}/activities/query).',
    module: mpaModule,
  },
  { path: ['mpa', 'invite', 'send'], line: 'Invite 1 to 16 users in ONE MPA call (POST /titles/{title}/invites).', module: mpaModule },
  {
    path: ['mpa', 'recent-players'],
    line: 'Add players to your recent-players list (POST /titles/{title}/recentplayers).',
    module: mpaModule,
  },
  {
    path: ['emulator', 'start'],
    line: "Run the local MPSD (a strict stand-in for Xbox Live's session directory) and the sign-in stand-ins on 127.0.0.1 until Ctrl+C.",
    module: emulatorModule,
  },
];

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The overview `handle-studio --help` prints: every command with its one-line summary. */
export function overviewText(): string {
  const width = Math.max(...commandTable.map((entry) => entry.path.join(' ').length)) + 4;
  return [
    'Usage: handle-studio <command> [flags]   (every command takes --help and --json)',
    '',
    'Set Xbox Live activities and send game invites through MPSD POST /handles.',
    '',
    'Commands:',
    ...commandTable.map((entry) => `  ${entry.path.join(' ').padEnd(width)}${entry.line}`),
    '',
    'Authorization comes from --profile NAME or the XBL_AUTHORIZATION environment variable, never from a flag.',
    "Data (profiles, presets, history, outbox) lives in HANDLE_STUDIO_DATA_DIR, or the app's own data folder.",
    'Exit codes: 0 ok, 2 usage, 3 validation, 4 authorization, 5 refused by MPSD, 6 network or offline, 7 partly done or outcome unknown, 8 pre-flight findings (nothing sent).',
    '',
  ].join('\n');
}

export function firstSentence(text: string): string {
  // The first ". " or ": " ends it, but not the dot of "e.g." inside a sentence.
  const end = text.search(/(?<!\be\.g)[.:](\s|$)/);
  return end === -1 ? text : `${text.slice(0, end)}.`;
}

/** Imports the module that declares `entry` and returns its spec. */
export async function loadCommand(entry: CommandEntry): Promise<CommandSpec> {
  const spec = (await entry.module()).find((candidate) => sameWords(candidate.path, entry.path));
  if (spec === undefined)
    throw new HandleStudioError('INTERNAL', `The command "${entry.path.join(' ')}" is listed but its module does not declare it.`);
  return spec;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => b[index] === word);
}

/**
 * The command whose words start the arguments; the longest match wins, so `history retention`
 * is not read as `history` with an extra argument.
 */
function findCommand(args: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let found: CommandEntry | undefined;
  for (const entry of commandTable) {
    if (entry.path.every((word, index) => args[index] === word) && entry.path.length > (found?.path.length ?? 0)) found = entry;
  }
  return found === undefined ? undefined : { entry: found, rest: args.slice(found.path.length) };
}

/** What to say when the words name no command: the group's subcommands, or the overview. */
function unknownCommand(args: readonly string[]): UsageError {
  const [group, verb] = args;
  const inGroup = commandTable.filter((entry) => entry.path[0] === group);
  if (inGroup.length === 0) {
    return new UsageError(
      `Unknown command${looksLikeToken(String(group)) ? '' : ` "${String(group).slice(0, 40)}"`}. Run \`handle-studio --help\` for the list.`,
    );
  }
  const verbs = inGroup.map((entry) => entry.path.slice(1).join(' ') || '(no subcommand)').join(', ');
  return new UsageError(
    verb === undefined || verb.startsWith('-')
      ? `\`handle-studio ${group}\` needs a subcommand: ${verbs}.`
      : `Unknown subcommand "${verb.slice(0, 40)}" for ${group}: use one of ${verbs}.`,
  );
}

export interface RunOptions {
  /** Tests and the bin script pass this; defaults to the real app core over the data folder. */
  openStudio?: (io: CliIo) => Promise<HandleStudio>;
  /** Aborted on Ctrl+C; a running send is cancelled, `emulator start` stops. */
  signal?: AbortSignal;
}

/** The real app core for this process: the same data folder, keychain and services as the app. */
async function openDefaultStudio(io: CliIo): Promise<HandleStudio> {
  // Imported here, not at the top: core and its stores are what only data commands pay for.
  const [{ createHandleStudio }, { resolveDataDir }, { systemClock }] = await Promise.all([
    import('../core/handle-studio.ts'),
    import('../core/data-dir.ts'),
    import('../core/clock.ts'),
  ]);
  return createHandleStudio({
    dataDir: resolveDataDir(io.env),
    shell: 'cli',
    version: version(),
    fetch: globalThis.fetch,
    clock: systemClock,
  });
}

/** Runs one CLI invocation and returns its exit code. Never throws. */
export async function runCli(args: readonly string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  const open = options.openStudio ?? openDefaultStudio;
  let opened: Promise<HandleStudio> | undefined;
  const context = createCliContext(io, () => (opened ??= open(io)), signal);
  const wantsJson = args.includes('--json');
  let command: CommandSpec | undefined;
  try {
    if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
      io.stdout.write(overviewText());
      return args.length === 0 ? EXIT_USAGE : 0;
    }
    if (args[0] === '--version') {
      context.say(version());
      return 0;
    }
    refuseSecretsInArguments(args);
    const found = findCommand(args);
    if (found === undefined) {
      const group = args[0];
      if (args.includes('--help') && group !== undefined && commandTable.some((entry) => entry.path[0] === group)) {
        io.stdout.write(await groupHelp(group));
        return 0;
      }
      throw unknownCommand(args);
    }
    command = await loadCommand(found.entry);
    const { flags, positionals } = parseCommandArgs(command, found.rest);
    if (flags['help'] === true) {
      io.stdout.write(helpText(command));
      return 0;
    }
    return await command.run(context, flags, positionals);
  } catch (thrown) {
    return reportFailure(context, thrown, wantsJson, command);
  } finally {
    if (opened !== undefined) await opened.then((studio) => studio.close()).catch(() => undefined);
  }
}

async function groupHelp(group: string): Promise<string> {
  const inGroup = await Promise.all(commandTable.filter((entry) => entry.path[0] === group).map(loadCommand));
  return `${['Usage:', ...inGroup.map((command) => `  ${commandLine(command)} [flags]    ${firstSentence(command.summary)}`)].join('\n')}\n\nRun \`handle-studio ${group} <subcommand> --help\` for its flags.\n`;
}

/** Words on stderr (and the error as JSON on stdout with --json); the exit code for it. */
function reportFailure(
  context: ReturnType<typeof createCliContext>,
  thrown: unknown,
  json: boolean,
  command: CommandSpec | undefined,
): number {
  if (thrown instanceof UsageError) {
    context.warn(`handle-studio: ${thrown.message}`);
    const about = thrown.command ?? command;
    if (about !== undefined) context.warn(`\n${helpText(about)}`);
    if (json) context.printJson({ ok: false, exitCode: EXIT_USAGE, error: { code: 'USAGE', message: thrown.message } });
    return EXIT_USAGE;
  }
  // Anything else that escaped becomes an AppError: a code and a sentence, no stack.
  const error = thrown instanceof HandleStudioError ? thrown.toAppError() : toAppError(thrown);
  const exitCode = exitCodeFor(error.code);
  context.warn(`handle-studio: ${error.message} [${error.code}]`);
  // Core's advice ("keep secrets in memory for this run") cannot help a process that ends now.
  if (error.code === 'KEYCHAIN_UNAVAILABLE') {
    context.warn('From the command line you can also send without a profile: set XBL_AUTHORIZATION and pass --endpoint.');
  }
  if (json) context.printJson({ ok: false, exitCode, error });
  return exitCode;
}
