/**
 * `handle-studio`: the command-line front door over the same core as the app. Finds the
 * command named by the first words, reads its flags strictly, runs it, and turns every
 * failure into words on standard error and an exit code (see exit-codes.ts); never a stack
 * trace, never a secret.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from '../core/clock.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { createHandleStudio, type HandleStudio } from '../core/handle-studio.ts';
import { HandleStudioError, toAppError } from '../shared/errors.ts';
import { commandLine, helpText, looksLikeToken, parseCommandArgs, refuseSecretsInArguments, UsageError, type CommandSpec } from './command.ts';
import { createCliContext, type CliIo } from './context.ts';
import { emulatorStart } from './emulator-command.ts';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.ts';
import { handleCommands } from './handle-commands.ts';
import { historyCommand } from './history-command.ts';
import { historyRetentionCommand } from './history-retention-command.ts';
import { outboxCommands, draftCommands } from './outbox-commands.ts';
import { presetCommands } from './preset-commands.ts';
import { profileCommands } from './profile-commands.ts';
import { requestCommands } from './request-commands.ts';

export const commands: readonly CommandSpec[] = [
  ...requestCommands,
  ...handleCommands,
  ...profileCommands,
  ...presetCommands,
  historyCommand,
  historyRetentionCommand,
  ...outboxCommands,
  ...draftCommands,
  emulatorStart,
];

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The overview `handle-studio --help` prints: every command with its one-line summary. */
export function overviewText(): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length)) + 4;
  return [
    'Usage: handle-studio <command> [flags]   (every command takes --help and --json)',
    '',
    'Set Xbox Live activities and send game invites through MPSD POST /handles.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.path.join(' ').padEnd(width)}${firstSentence(command.summary)}`),
    '',
    'Authorization comes from --profile NAME or the XBL_AUTHORIZATION environment variable, never from a flag.',
    'Data (profiles, presets, history, outbox) lives in HANDLE_STUDIO_DATA_DIR, or the app\'s own data folder.',
    'Exit codes: 0 ok, 2 usage, 3 validation, 4 authorization, 5 refused by MPSD, 6 network or offline, 7 partly done or outcome unknown.',
    '',
  ].join('\n');
}

function firstSentence(text: string): string {
  // The first ". " or ": " ends it, but not the dot of "e.g." inside a sentence.
  const end = text.search(/(?<!\be\.g)[.:](\s|$)/);
  return end === -1 ? text : `${text.slice(0, end)}.`;
}

/**
 * The command whose words start the arguments; the longest match wins, so `history retention`
 * is not read as `history` with an extra argument.
 */
function findCommand(args: readonly string[]): { command: CommandSpec; rest: string[] } | undefined {
  let found: CommandSpec | undefined;
  for (const command of commands) {
    if (command.path.every((word, index) => args[index] === word) && command.path.length > (found?.path.length ?? 0)) found = command;
  }
  return found === undefined ? undefined : { command: found, rest: args.slice(found.path.length) };
}

/** What to say when the words name no command: the group's subcommands, or the overview. */
function unknownCommand(args: readonly string[]): UsageError {
  const [group, verb] = args;
  const inGroup = commands.filter((command) => command.path[0] === group);
  if (inGroup.length === 0) {
    return new UsageError(`Unknown command${looksLikeToken(String(group)) ? '' : ` "${String(group).slice(0, 40)}"`}. Run \`handle-studio --help\` for the list.`);
  }
  const verbs = inGroup.map((command) => command.path.slice(1).join(' ') || '(no subcommand)').join(', ');
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
      if (args.includes('--help') && commands.some((candidate) => candidate.path[0] === args[0])) {
        io.stdout.write(groupHelp(args[0]!));
        return 0;
      }
      throw unknownCommand(args);
    }
    command = found.command;
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

function groupHelp(group: string): string {
  const inGroup = commands.filter((command) => command.path[0] === group);
  return `${['Usage:', ...inGroup.map((command) => `  ${commandLine(command)} [flags]    ${firstSentence(command.summary)}`)].join('\n')}\n\nRun \`handle-studio ${group} <subcommand> --help\` for its flags.\n`;
}

/** Words on stderr (and the error as JSON on stdout with --json); the exit code for it. */
function reportFailure(context: ReturnType<typeof createCliContext>, thrown: unknown, json: boolean, command: CommandSpec | undefined): number {
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
