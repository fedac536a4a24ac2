/**
 * The CLI as child processes, for the tests about what only a process has: `emulator start`
 * (its sign-in stand-ins, a templates file) and `profile login` (a device code approved from
 * here, as a second device would). Each child a test starts is ended after the test and
 * waited for. Test-only.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach } from 'vitest';
import { exited, firstLine, startCli, type CliRun } from './cli-process.fixture.ts';
import { skipWithoutKeychain } from './cli-world.fixture.ts';

/** The line `emulator start --json` prints first. */
export interface EmulatorLine {
  url: string;
  users: { xuid: string; gamertag: string; authorization: string }[];
  tokenServices: { authority: string; userAuthenticate: string; xstsAuthorize: string; clientId: string };
}

export interface CliChildren {
  /** Starts the CLI on `dataDir` as a child process. */
  start: (dataDir: string, args: string[]) => ChildProcessWithoutNullStreams;
  /** `emulator start --port 0 --json --no-rate-limits` and `flags`: the child and the line it printed. */
  emulator: (dataDir: string, flags?: string[]) => Promise<{ child: ChildProcessWithoutNullStreams; printed: EmulatorLine }>;
}

/** `signal` ends a child still running after its test; `timeout` is the after-hook's, for a loaded machine. */
export function useCliChildren(options: { signal?: NodeJS.Signals; timeout?: number } = {}): CliChildren {
  const running: ChildProcessWithoutNullStreams[] = [];
  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.exitCode === null) child.kill(options.signal ?? 'SIGTERM');
      await exited(child);
    }
  }, options.timeout);

  const children: CliChildren = {
    start: (dataDir, args) => {
      const child = startCli(dataDir, args);
      running.push(child);
      return child;
    },
    emulator: async (dataDir, flags = []) => {
      const child = children.start(dataDir, ['emulator', 'start', '--port', '0', '--json', '--no-rate-limits', ...flags]);
      return { child, printed: JSON.parse(await firstLine(child)) as EmulatorLine };
    },
  };
  return children;
}

/** The `profile add` arguments of a profile that signs in through the emulator's stand-ins. */
export function signInProfileArgs(name: string, printed: EmulatorLine): string[] {
  const { clientId, authority, userAuthenticate, xstsAuthorize } = printed.tokenServices;
  return [
    ...['profile', 'add', name, '--endpoint', printed.url, '--sandbox', 'XDKS.1'],
    ...['--client-id', clientId, '--authority', authority, '--user-auth-url', userAuthenticate, '--xsts-url', xstsAuthorize],
  ];
}

export interface WatchedLogin {
  /** The device code once it shows on stderr; undefined when the login ended without showing one. */
  code: Promise<string | undefined>;
  done: Promise<CliRun>;
}

/** Collects a `profile login` child's output until it ends. */
export function watchLogin(child: ChildProcessWithoutNullStreams): WatchedLogin {
  let stdout = '';
  let stderr = '';
  let foundCode: (code: string | undefined) => void;
  const code = new Promise<string | undefined>((resolve) => (foundCode = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const shown = /enter the code (\S+?)(?: |\.)/.exec(stderr)?.[1];
    if (shown !== undefined) foundCode(shown);
  });
  child.stdin.end();
  const done = exited(child).then((exitCode) => {
    foundCode(undefined);
    return { code: exitCode, stdout, stderr };
  });
  return { code, done };
}

/** The device code the login shows; a login that ends without one skips the test where no keychain is reachable, else fails it. */
export async function shownCode(login: WatchedLogin, context: { skip: (note: string) => void }): Promise<string> {
  const code = await login.code;
  if (code !== undefined) return code;
  const run = await login.done;
  skipWithoutKeychain(run, context);
  throw new Error(`profile login ended (exit ${run.code}) before showing a code: ${run.stderr}`);
}

/** Approves `userCode` for the emulator's user `xuid` through the stand-ins' control endpoint, as a second device would. */
export function approveDeviceCode(printed: EmulatorLine, userCode: string, xuid: string): Promise<Response> {
  return fetch(`${new URL(printed.tokenServices.authority).origin}/_emulator/device-codes/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userCode, xuid }),
  });
}
