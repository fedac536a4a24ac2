/**
 * `npm start [-- --browser] [-- --no-build]`: builds the app (electron-vite), then runs it in
 * Electron when an Electron runtime is installed; otherwise tries Electron's own installer
 * once (on a developer PC that downloads it), and if there is still no runtime, starts
 * browser mode (`node app/host/main.ts`, which prints the URL to open).
 *
 *   --browser   go straight to browser mode
 *   --no-build  skip the build and run what is already in out/
 *
 * The child's exit code becomes ours; SIGTERM and SIGHUP are passed on to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';

const PROJECT_DIR = resolve(import.meta.dirname, '..');
const INSTALL_TIMEOUT_MS = 60_000;

/** Where the Electron executable is, or why there is none. */
export type ElectronRuntime = { found: true; executable: string } | { found: false; reason: string };

/**
 * Finds the Electron executable the way `require('electron')` does (path.txt inside the
 * package, the binary under dist/ or ELECTRON_OVERRIDE_DIST_PATH) without calling it:
 * electron's index.js starts a download with no time limit when the binary is missing.
 */
export function locateElectron(projectDir: string, env: NodeJS.ProcessEnv = process.env): ElectronRuntime {
  const packageDir = join(projectDir, 'node_modules', 'electron');
  if (!existsSync(join(packageDir, 'package.json')))
    return { found: false, reason: 'the electron package is not installed; run npm install' };
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { found: false, reason: 'node_modules/electron has no downloaded binary' };
  const executableInDist = readFileSync(pathFile, 'utf8').trim();
  const distDir = env['ELECTRON_OVERRIDE_DIST_PATH'] || join(packageDir, 'dist');
  const executable = join(distDir, executableInDist);
  return existsSync(executable) ? { found: true, executable } : { found: false, reason: `${executable} is missing` };
}

/**
 * Runs Electron's installer (`node node_modules/electron/install.js`) once, for at most
 * `timeoutMs`. Its output is kept, not shown: on failure its last line becomes the reason.
 */
export function installElectron(projectDir: string, timeoutMs = INSTALL_TIMEOUT_MS): Promise<{ ok: true } | { ok: false; reason: string }> {
  const installer = join(projectDir, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return Promise.resolve({ ok: false, reason: 'node_modules/electron/install.js is missing; run npm install' });
  return new Promise((done) => {
    const child = spawn(process.execPath, [installer], {
      cwd: join(projectDir, 'node_modules', 'electron'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4_000); // the tail is where the error is
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ ok: false, reason: `its installer could not start: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return done({ ok: false, reason: `its installer did not finish within ${timeoutMs / 1000} s` });
      if (code === 0) return done({ ok: true });
      const lastLine =
        output
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .at(-1) ?? `exit code ${code}`;
      done({ ok: false, reason: `its installer failed: ${lastLine}` });
    });
  });
}

/**
 * Runs a child with our terminal and resolves with the exit code to pass on (128 + signal
 * number when it was killed by a signal). SIGTERM and SIGHUP sent to us go to the child.
 * SIGINT is only kept from stopping us: Ctrl+C reaches the whole foreground process group,
 * so the child already has it, and sending it a second one would interrupt its shutdown.
 */
export function runForwarding(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<number> {
  return new Promise((done) => {
    const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const handlers = { SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP'), SIGINT: () => undefined } as const;
    for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
    const stopForwarding = () => {
      for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
    };
    child.on('error', (error) => {
      stopForwarding();
      console.error(`Could not start ${command}: ${error.message}`);
      done(127);
    });
    child.on('close', (code, signal) => {
      stopForwarding();
      done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}

interface StartOptions {
  browser: boolean;
  build: boolean;
}

/** Reads the command line; throws with a usage message on anything it does not know. */
export function parseStartArguments(argv: string[]): StartOptions {
  const options: StartOptions = { browser: false, build: true };
  for (const argument of argv) {
    if (argument === '--browser') options.browser = true;
    else if (argument === '--no-build') options.build = false;
    else
      throw new Error(
        `Unknown option "${argument}". Usage: npm start [-- --browser] [-- --no-build]  (--browser skips Electron, --no-build runs the existing out/).`,
      );
  }
  return options;
}

/** Builds if asked, then runs Electron or browser mode for `projectDir`; resolves with the exit code. */
/**
 * electron-vite's command-line script, found through its package.json `bin` (its `exports`
 * do not expose the file, so `require.resolve` of the path is refused).
 */
export function electronViteCli(projectDir: string): string {
  const packageDir = join(projectDir, 'node_modules', 'electron-vite');
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['electron-vite'];
  if (bin === undefined) throw new Error('electron-vite has no command-line script: reinstall with npm ci.');
  return join(packageDir, bin);
}

export async function start(argv: string[], projectDir: string = PROJECT_DIR): Promise<number> {
  let options: StartOptions;
  try {
    options = parseStartArguments(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }

  if (options.build) {
    const electronVite = electronViteCli(projectDir);
    const code = await runForwarding(process.execPath, [electronVite, 'build'], { cwd: projectDir });
    if (code !== 0) {
      console.error(`The build failed (electron-vite exited with ${code}); fix the errors above and run npm start again.`);
      return code;
    }
  } else if (!existsSync(join(projectDir, 'out', 'renderer', 'index.html'))) {
    console.error(
      '--no-build runs the existing build, but out/renderer/index.html is missing: run npm run build first, or drop --no-build.',
    );
    return 2;
  }

  if (!options.browser) {
    let runtime = locateElectron(projectDir);
    if (!runtime.found) {
      const installed = await installElectron(projectDir);
      runtime = installed.ok ? locateElectron(projectDir) : { found: false, reason: `${runtime.reason}; ${installed.reason}` };
    }
    if (runtime.found) {
      // ELECTRON_RUN_AS_NODE left in the environment would make Electron a plain Node.
      const { ELECTRON_RUN_AS_NODE: _runAsNode, ...env } = process.env;
      return runForwarding(runtime.executable, ['.'], { cwd: projectDir, env });
    }
    console.log(`No Electron runtime here (${runtime.reason}); starting browser mode instead.`);
  }
  return runForwarding(process.execPath, [join('app', 'host', 'main.ts')], { cwd: projectDir });
}

if (import.meta.main) process.exitCode = await start(process.argv.slice(2));
