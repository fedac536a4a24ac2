/**
 * Starting the app's own processes for a test: run a command with the project's Node 24,
 * wait for the line that says it is ready, and stop it (and wait for it) afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
/** The system node is older; the app needs the project's Node 24. */
export const node = `${root}node_modules/.bin/node`;

export interface Started {
  child: ChildProcess;
  /** The line that matched. */
  readyLine: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/**
 * Spawns `node args...` and resolves once a stdout line matches `ready`. Rejects with the
 * process's output when it exits first or stays silent past the timeout, so a broken start
 * shows why instead of hanging the test.
 */
export function startNode(args: string[], env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(node, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pending = '';

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(forced);
  };

  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`node ${args.join(' ')} did not become ready within ${READY_TIMEOUT_MS} ms. Output:\n${output}`));
    }, READY_TIMEOUT_MS);

    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const line = lines.find((candidate) => ready.test(candidate));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve({ child, readyLine: line, stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited (${signal ?? code}) before it was ready. Output:\n${output}`));
    });
  });
}
