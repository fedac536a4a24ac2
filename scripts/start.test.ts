import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { electronViteCli, installElectron, locateElectron, parseStartArguments, start } from './start.ts';

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'start-test-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(project, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), content);
  }
}

const ELECTRON_PACKAGE = { 'node_modules/electron/package.json': '{"name":"electron","version":"45.5.0"}' };
const FAILING_INSTALLER = {
  'node_modules/electron/install.js':
    "console.log('Downloading Electron...');\nconsole.error('TypeError: fetch failed');\nprocess.exit(1);\n",
};

/** A stand-in Electron binary that records how it was started, then exits with `code`. */
function fakeElectron(code: number): void {
  write({
    ...ELECTRON_PACKAGE,
    'node_modules/electron/path.txt': 'electron',
    'node_modules/electron/dist/electron': `#!/bin/sh\necho "args=$* cwd=$(pwd) runAsNode=\${ELECTRON_RUN_AS_NODE:-unset}" > "${join(project, 'electron-ran.txt')}"\nexit ${code}\n`,
  });
  chmodSync(join(project, 'node_modules/electron/dist/electron'), 0o755);
}

/** A stand-in browser-mode host that prints its line and exits with `code`. */
function fakeHost(code: number): void {
  write({
    'out/renderer/index.html': '<!doctype html>',
    'app/host/main.ts': `console.log('Handle Studio (browser mode) is at http://127.0.0.1:1/');\nprocess.exit(${code});\n`,
  });
}

describe('parseStartArguments', () => {
  it('reads --browser and --no-build', () => {
    expect(parseStartArguments([])).toEqual({ browser: false, build: true });
    expect(parseStartArguments(['--browser', '--no-build'])).toEqual({ browser: true, build: false });
  });

  it('refuses an unknown option and shows the usage', () => {
    expect(() => parseStartArguments(['--port', '8080'])).toThrow(
      'Unknown option "--port". Usage: npm start [-- --browser] [-- --no-build]',
    );
  });
});

describe('locateElectron', () => {
  it('says the package is missing', () => {
    expect(locateElectron(project)).toEqual({ found: false, reason: 'the electron package is not installed; run npm install' });
  });

  it('says the binary was never downloaded', () => {
    write(ELECTRON_PACKAGE);
    expect(locateElectron(project)).toEqual({ found: false, reason: 'node_modules/electron has no downloaded binary' });
  });

  it('says which executable is missing when path.txt points at nothing', () => {
    write({ ...ELECTRON_PACKAGE, 'node_modules/electron/path.txt': 'electron' });
    expect(locateElectron(project)).toEqual({ found: false, reason: `${join(project, 'node_modules/electron/dist/electron')} is missing` });
  });

  it('finds the executable under dist/, or under ELECTRON_OVERRIDE_DIST_PATH', () => {
    fakeElectron(0);
    expect(locateElectron(project)).toEqual({ found: true, executable: join(project, 'node_modules/electron/dist/electron') });
    write({ 'custom/electron': '' });
    expect(locateElectron(project, { ELECTRON_OVERRIDE_DIST_PATH: join(project, 'custom') })).toEqual({
      found: true,
      executable: join(project, 'custom/electron'),
    });
  });
});

describe('installElectron', () => {
  it("reports the installer's last line when it fails", async () => {
    write({ ...ELECTRON_PACKAGE, ...FAILING_INSTALLER });
    expect(await installElectron(project)).toEqual({ ok: false, reason: 'its installer failed: TypeError: fetch failed' });
  });

  it('stops an installer that hangs', async () => {
    write({ ...ELECTRON_PACKAGE, 'node_modules/electron/install.js': 'setInterval(() => {}, 1000);\n' });
    expect(await installElectron(project, 300)).toEqual({ ok: false, reason: 'its installer did not finish within 0.3 s' });
  });

  it('succeeds when the installer puts the binary in place', async () => {
    write({
      ...ELECTRON_PACKAGE,
      'node_modules/electron/install.js':
        "const fs = require('fs');\nfs.mkdirSync('dist', { recursive: true });\nfs.writeFileSync('dist/electron', '');\nfs.writeFileSync('path.txt', 'electron');\n",
    });
    expect(await installElectron(project)).toEqual({ ok: true });
    expect(locateElectron(project)).toMatchObject({ found: true });
  });
});

describe('start', () => {
  it("falls back to browser mode with one line saying why, and passes on the host's exit code", async () => {
    write({ ...ELECTRON_PACKAGE, ...FAILING_INSTALLER });
    fakeHost(7);
    const log = vi.spyOn(console, 'log');
    expect(await start(['--no-build'], project)).toBe(7);
    expect(log.mock.calls).toEqual([
      [
        'No Electron runtime here (node_modules/electron has no downloaded binary; its installer failed: TypeError: fetch failed); starting browser mode instead.',
      ],
    ]);
  });

  it('launches Electron on the project when it is installed, without ELECTRON_RUN_AS_NODE, and passes on its exit code', async () => {
    fakeElectron(3);
    fakeHost(0);
    vi.stubEnv('ELECTRON_RUN_AS_NODE', '1');
    try {
      expect(await start(['--no-build'], project)).toBe(3);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(readFileSync(join(project, 'electron-ran.txt'), 'utf8').trim()).toBe(`args=. cwd=${project} runAsNode=unset`);
  });

  it('goes straight to browser mode with --browser, even with Electron installed', async () => {
    fakeElectron(3);
    fakeHost(0);
    expect(await start(['--browser', '--no-build'], project)).toBe(0);
    expect(() => readFileSync(join(project, 'electron-ran.txt'))).toThrow();
  });

  it('refuses --no-build when there is no build to run', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await start(['--browser', '--no-build'], project)).toBe(2);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('out/renderer/index.html is missing: run npm run build first'));
  });
});

describe('npm start --browser, as a process', () => {
  let child: ReturnType<typeof spawn> | null = null;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = null;
  });

  // --no-build serves the existing out/: the unit tests' global setup builds it; without it the test says so.
  const builtRenderer = fileURLToPath(new URL('../out/renderer/index.html', import.meta.url));
  it.skipIf(!existsSync(builtRenderer))(
    `serves browser mode, and stops cleanly when sent SIGTERM${existsSync(builtRenderer) ? '' : ' (skipped: out/renderer is not built; run npm run build)'}`,
    async () => {
      const dataDir = join(project, 'data');
      const script = join(import.meta.dirname, 'start.ts');
      const started = spawn(process.execPath, [script, '--browser', '--no-build'], {
        env: { ...process.env, HANDLE_STUDIO_DATA_DIR: dataDir, HANDLE_STUDIO_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      let output = '';
      const url = await new Promise<string>((found, failed) => {
        started.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const match = /is at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
          if (match?.[1]) found(match[1]);
        });
        started.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
        });
        started.on('close', (code) =>
          failed(new Error(`start.ts exited with ${code} before printing the URL (is out/ built?):\n${output}`)),
        );
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      await page.arrayBuffer();

      const exitCode = new Promise<number | null>((done) => started.on('close', (code) => done(code)));
      started.kill('SIGTERM');
      expect(await exitCode).toBe(0);
      expect(output).not.toContain('No Electron runtime here');
    },
  );
});

describe('the build step', () => {
  it("finds electron-vite's command-line script in this project", () => {
    const cli = electronViteCli(fileURLToPath(new URL('../', import.meta.url)));
    expect(existsSync(cli)).toBe(true);
    expect(cli).toMatch(/electron-vite[\\/]bin[\\/]electron-vite\.js$/);
  });
});
