/**
 * What a CLI command gets to work with: the process's streams and environment, the app core
 * (opened on first use, so `--help` and usage errors never touch the data folder), and a
 * signal that Ctrl+C aborts. Everything written goes through `say`/`warn`/`printJson`, which
 * scrub any secret the CLI has seen in this run before it reaches a terminal or a log.
 */
import { formatXblAuthorization, parseXblAuthorization } from '../core/credentials/xbl-authorization.ts';
import { createSecretScrubber } from '../core/mpsd/secret-scrubber.ts';
import { rememberToken, withoutCredentials } from '../core/storage/credential-guard.ts';
import type * as z from '../shared/zod.ts';
import type { ChannelMap } from '../shared/contract/define.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { visibleJson, visibleLines } from '../shared/visible-text.ts';
import type { HandleStudio } from '../core/handle-studio.ts';

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export interface CliContext {
  io: CliIo;
  /** The app core over the data folder; opened once, closed by the runner. */
  studio(): Promise<HandleStudio>;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** A line (or lines) for people, on standard output. */
  say(text: string): void;
  /** A line for people on standard error (progress, warnings, errors). */
  warn(text: string): void;
  /** One JSON document on standard output. */
  printJson(value: unknown): void;
  /** Registers a secret read in this run (e.g. from stdin) so no output ever shows it. */
  addSecret(secret: string): void;
}

/**
 * Masks every known secret in `text` by the project's one rule for secrets we hold (see
 * docs/engineering.md, Secrets): each exact or encoded form, and each run of 16 or more
 * characters shared with it. Core never puts a secret in a message; this is the last line of
 * defence for values that came from the environment or standard input.
 */
export function redactSecrets(text: string, secrets: ReadonlySet<string>): string {
  let clean = text;
  for (const secret of secrets) clean = createSecretScrubber(secret).text(clean);
  return clean;
}

/**
 * Every form of an Authorization value worth hiding: as typed (quotes, an `Authorization:`
 * prefix and all), its token part, and the canonical header and token that core will
 * actually send once it has parsed the value. Ordinary words are safe: only runs of 16 or
 * more characters shared with a secret are masked.
 */
export function secretFormsOf(value: string): string[] {
  const typed = value.trim();
  const forms = [typed, typed.slice(typed.indexOf(';') + 1).trim()];
  try {
    const parsed = parseXblAuthorization(typed);
    forms.push(formatXblAuthorization(parsed), parsed.token);
  } catch {
    // Not a well-formed value: core will refuse it, and only the typed forms can show up.
  }
  return [...new Set(forms)];
}

/** The forms of XBL_AUTHORIZATION worth hiding. */
export function secretsFromEnvironment(env: NodeJS.ProcessEnv): string[] {
  const value = env['XBL_AUTHORIZATION']?.trim();
  return value ? secretFormsOf(value) : [];
}

export function createCliContext(io: CliIo, openStudio: () => Promise<HandleStudio>, signal: AbortSignal): CliContext {
  const secrets = new Set(secretsFromEnvironment(io.env));
  // Core refuses any field holding them (a label, a session name, a preset's notes).
  for (const secret of secrets) rememberToken(secret);
  let studio: Promise<HandleStudio> | undefined;
  // Also every token core read in this run (a profile's, from the keychain) and any credential
  // shape, for what a store may hold from before fields were checked.
  const clean = (text: string) => withoutCredentials(redactSecrets(text, secrets));
  return {
    io,
    signal,
    studio: () =>
      (studio ??= openStudio().then((opened) => {
        // What was set aside or is read-only goes on stderr at the start of every command that opens the data folder.
        for (const notice of opened.notices) {
          const where = notice.keptAside === undefined || notice.message.includes(notice.keptAside) ? '' : ` (kept as ${notice.keptAside})`;
          io.stderr.write(`${visibleLines(clean(`handle-studio: warning: ${notice.message}${where}`))}\n`);
        }
        return opened;
      })),
    // Every line shows control and direction characters (from a label, a file, a server) as escapes instead of acting on them.
    say: (text) => void io.stdout.write(`${visibleLines(clean(text))}\n`),
    warn: (text) => void io.stderr.write(`${visibleLines(clean(text))}\n`),
    printJson: (value) => void io.stdout.write(`${visibleJson(clean(JSON.stringify(value, null, 2)))}\n`),
    addSecret: (secret) => {
      secrets.add(secret);
      rememberToken(secret);
    },
  };
}

/**
 * Calls one contract channel through the app's dispatcher (the same validation and
 * behaviour as the app) and returns its value, or throws the channel's error. The channel
 * map argument is there for the types: it ties `name`, `input` and the answer to the contract.
 */
export async function callChannel<C extends ChannelMap, K extends keyof C & string>(
  context: CliContext,
  _channels: C,
  name: K,
  input: z.input<C[K]['input']>,
): Promise<z.output<C[K]['output']>> {
  const studio = await context.studio();
  const result = await studio.dispatch(name, input);
  if (!result.ok) throw new HandleStudioError(result.error.code, result.error.message, result.error.details);
  // The dispatcher parsed the value with this channel's output schema.
  return result.value as z.output<C[K]['output']>;
}
