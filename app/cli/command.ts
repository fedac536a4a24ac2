/**
 * How a CLI command is declared and how its arguments are read. Each command names its
 * flags once (type, placeholder, one line of help); parsing (strict `node:util` parseArgs)
 * and the `--help` text are both derived from that declaration, so the help can never list a
 * flag the parser refuses or miss one it accepts.
 */
import { parseArgs } from 'node:util';
import { looksLikeToken } from '../shared/errors.ts';
import type { CliContext } from './context.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given several times (e.g. --to). */
  multiple?: boolean;
  /** The placeholder shown in help, e.g. GUID or XUID[=label]. */
  value?: string;
  help: string;
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  /** The words that select the command, e.g. ['invite', 'send']. */
  path: readonly string[];
  summary: string;
  /** Positional arguments in order, e.g. ['NAME']; optional ones end with '?'. */
  positionals?: readonly string[];
  flags: Readonly<Record<string, FlagSpec>>;
  /** Extra paragraphs after the flags (e.g. where authorization comes from). */
  notes?: readonly string[];
  examples?: readonly string[];
  run(context: CliContext, flags: FlagValues, positionals: string[]): Promise<number>;
}

/** A mistake in how the command was typed: shown with the command's help, exit 2. */
export class UsageError extends Error {
  readonly command: CommandSpec | undefined;

  constructor(message: string, command?: CommandSpec) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Flags every command takes. */
export const commonFlags = {
  help: { type: 'boolean', help: 'Show this help.' },
  json: { type: 'boolean', help: 'Print the result as JSON on standard output (one document).' },
} as const satisfies Record<string, FlagSpec>;

/**
 * Flag names that would carry a secret. A token typed on the command line lands in shell
 * history and in every process listing on the machine, so these are refused outright with
 * a pointer to the two safe ways in.
 */
const SECRET_FLAGS = new Set([
  'token',
  'authorization',
  'auth',
  'xbl-authorization',
  'xsts-token',
  'refresh-token',
  'access-token',
  'bearer',
  'password',
  'secret',
  'user-hash',
  'uhs',
]);

export const SECRET_FLAG_MESSAGE =
  'Tokens are never taken from flags or arguments (they would end up in shell history and process listings). ' +
  'Set the environment variable XBL_AUTHORIZATION to the whole "XBL3.0 x=<uhs>;<token>" value, ' +
  'or store it once for a profile with `handle-studio profile set-token NAME` (it reads standard input).';

/** Tokens are recognised by shape (errors.ts), so a long session name or label is not refused as one. */
export { looksLikeToken };

/** Refuses a secret passed as a flag or an argument, without repeating the value anywhere. */
export function refuseSecretsInArguments(args: readonly string[], command?: CommandSpec): void {
  for (const arg of args) {
    if (arg === '--') break;
    const flagName = /^--?([^=]+)/.exec(arg)?.[1]?.toLowerCase();
    if ((flagName !== undefined && SECRET_FLAGS.has(flagName)) || looksLikeToken(arg)) {
      throw new UsageError(SECRET_FLAG_MESSAGE, command);
    }
  }
}

/** Reads a command's arguments strictly: unknown flags, missing values and extra arguments are usage errors. */
export function parseCommandArgs(command: CommandSpec, args: readonly string[]): { flags: FlagValues; positionals: string[] } {
  refuseSecretsInArguments(args, command);
  const options = { ...commonFlags, ...command.flags };
  let parsed: { values: FlagValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [name, { type: spec.type, multiple: 'multiple' in spec && spec.multiple === true }]),
      ),
      strict: true,
      allowPositionals: true,
    }) as { values: FlagValues; positionals: string[] };
  } catch (thrown) {
    throw new UsageError(describeParseFailure(thrown), command);
  }
  if (parsed.values['help'] === true) return { flags: parsed.values, positionals: parsed.positionals };

  const declared = command.positionals ?? [];
  const required = declared.filter((name) => !name.endsWith('?'));
  if (parsed.positionals.length < required.length) {
    const missing = required.slice(parsed.positionals.length).join(' ');
    throw new UsageError(`Missing ${missing}: \`${commandLine(command)}\` needs it.`, command);
  }
  if (parsed.positionals.length > declared.length) {
    const extra = parsed.positionals.length - declared.length;
    throw new UsageError(
      `${extra === 1 ? 'One argument' : `${extra} arguments`} too many: \`${commandLine(command)}\` takes ${
        declared.length === 0 ? 'no arguments, only flags' : declared.join(' ')
      }. Quote values that contain spaces.`,
      command,
    );
  }
  return { flags: parsed.values, positionals: parsed.positionals };
}

/** Node's parseArgs messages name the flag without its value; say it in our words. */
function describeParseFailure(thrown: unknown): string {
  const error = thrown as { code?: string; message?: string };
  const flag = /'(-{1,2}[^' ]+)/.exec(error.message ?? '')?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown flag ${flag ?? ''}: see the flags below.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take/.test(error.message ?? '')
        ? `${flag ?? 'That flag'} is a switch and takes no value: write it alone.`
        : `${flag ?? 'A flag'} needs a value after it (write --flag=-value when the value starts with a dash).`;
    default:
      return 'The arguments could not be read: see the usage below.';
  }
}

/** `handle-studio invite send NAME`, for messages and help. */
export function commandLine(command: CommandSpec): string {
  return ['handle-studio', ...command.path, ...(command.positionals ?? [])].join(' ');
}

/** The `--help` text, built from the declaration. */
export function helpText(command: CommandSpec): string {
  const options = { ...command.flags, ...commonFlags };
  const rows = Object.entries(options).map(([name, spec]) => {
    const value = 'value' in spec && spec.value !== undefined ? ` ${spec.value}` : '';
    const repeat = 'multiple' in spec && spec.multiple === true ? ' (repeatable)' : '';
    return [`  --${name}${value}`, `${spec.help}${repeat}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const lines = [
    `Usage: ${commandLine(command)}${Object.keys(command.flags).length > 0 ? ' [flags]' : ''}`,
    '',
    command.summary,
    '',
    'Flags:',
    ...rows.map(([left, right]) => (left.length + 2 > width ? `${left}\n${' '.repeat(width)}${right}` : left.padEnd(width) + right)),
  ];
  for (const note of command.notes ?? []) lines.push('', note);
  if (command.examples !== undefined && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  }
  return `${lines.join('\n')}\n`;
}
