/**
 * Runs the real `bin/handle-studio.js` as a child process with the project's Node, a fresh
 * data folder and piped standard input, the way a script or CI job would run it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(root, 'bin', 'handle-studio.js');
/** Node 24 from the project, whatever `node` the test runner found first. */
export const NODE = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
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

/** Runs the CLI to the end and returns its exit code and output. */
export function runCli(dataDir: string, args: string[], options: CliOptions = {}): Promise<CliRun> {
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
