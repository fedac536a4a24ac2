/**
 * Runs the CLI the way a script or CI job would, with a fresh data folder and piped standard
 * input.
 *
 * `startCli` always starts the real `bin/handle-studio.js` as a child process: the tests that
 * use it are about what only a process has (signals, a long-running server, two processes at
 * once). `runCli`, for a command run to its end, calls the same `runCli` of main.ts that the
 * bin calls, in this process, with the child's environment and streams that collect the
 * output: a Node start per command (half a second of CPU, ten on 2 busy cores) is what made
 * these files time out in full runs, and the words and exit codes are the same. Set
 * HANDLE_STUDIO_CLI_TESTS=process (or pass `process: true`) to run those as child processes too.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli as runCliInProcess } from './main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(root, 'bin', 'handle-studio.js');
/**
 * Node 24 from the project, whatever `node` the test runner found first. On Windows the .bin
 * entry is a .cmd file, which spawn cannot start without a shell; there the runner's own Node
 * is the project's (npm puts node_modules/.bin first on PATH for `npm test`).
 */
export const NODE = process.platform === 'win32' ? process.execPath : join(root, 'node_modules', '.bin', 'node');
/** A child that has not finished by then is stuck: kill it so the test fails instead of hanging. */
const STUCK_AFTER_MS = 45_000;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  stdin?: string;
  /** Run `bin/handle-studio.js` as a child process even where in-process would do. */
  process?: boolean;
}

/** A data folder of its own for one test; `remove()` in afterEach. */
export function tempDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'handle-studio-cli-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The environment a child gets: this one (keyring session, PATH) minus any token, plus `extra`. */
function childEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HANDLE_STUDIO_DATA_DIR: dataDir, FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env['XBL_AUTHORIZATION'];
  return { ...env, ...extra };
}

/** Starts the CLI without waiting, for long-running commands (`emulator start`). */
export function startCli(dataDir: string, args: string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  return spawn(NODE, [BIN, ...args], { cwd: root, env: childEnv(dataDir, options.env), stdio: 'pipe' });
}

/** Runs the CLI to the end and returns its exit code and output (see the top of this file for where). */
export function runCli(dataDir: string, args: string[], options: CliOptions = {}): Promise<CliRun> {
  if (options.process === true || process.env['HANDLE_STUDIO_CLI_TESTS'] === 'process') return runCliProcess(dataDir, args, options);
  return runCliHere(dataDir, args, options);
}

async function runCliHere(dataDir: string, args: string[], options: CliOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCliInProcess(args, {
    // Bytes, as a piped stdin gives them, and ended, as an empty pipe is.
    stdin: Readable.from(options.stdin ? [Buffer.from(options.stdin)] : [], { objectMode: false }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: childEnv(dataDir, options.env),
  });
  return { code, stdout, stderr };
}

function runCliProcess(dataDir: string, args: string[], options: CliOptions): Promise<CliRun> {
  const child = startCli(dataDir, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  const stuck = setTimeout(() => child.kill('SIGKILL'), STUCK_AFTER_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(stuck);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The first line a running child prints on stdout. */
export function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      child.stdout.off('data', onData);
      resolve(buffered.slice(0, end));
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('close', (code) => reject(new Error(`exited with ${code} before printing a line`)));
  });
}

/** Resolves with the exit code once the child has ended. */
export function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}
