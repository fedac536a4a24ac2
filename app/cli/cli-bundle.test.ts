/**
 * The bin runs the prebuilt bundle (scripts/build-cli.ts) only while it matches the sources.
 * Each test works on a copy of the project (bin, app, the build script, package.json; the
 * packages linked), so it can build, edit and touch sources without disturbing anyone's tree,
 * and runs the real bin in a child process that records which modules Node loaded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NODE } from './cli-process.fixture.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Loaded before the bin: writes the URL of every module Node loads to the file in LOADED_LOG at exit. */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.LOADED_LOG, loaded.join('\\n')));
`)}`;

let project: string;

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'handle-studio-cli-bundle-'));
  for (const path of ['bin', 'app', 'package.json']) cpSync(join(ROOT, path), join(project, path), { recursive: true });
  mkdirSync(join(project, 'scripts'));
  for (const script of ['build-cli.ts', 'node-bundle-options.ts', 'builtins-without-esm-facade.ts'])
    cpSync(join(ROOT, 'scripts', script), join(project, 'scripts', script));
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
});

afterEach(() => rmSync(project, { recursive: true, force: true }));

function build(): void {
  execFileSync(NODE, [join(project, 'scripts', 'build-cli.ts')], { cwd: project, stdio: 'pipe' });
}

/**
 * Runs the copy's bin; returns its output, the project-relative paths of the project's modules
 * it loaded and the packages it loaded (node_modules is a link to the real one).
 */
function runBin(args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[]; packages: string[] } {
  const log = join(project, 'loaded.log');
  const dataDir = join(project, 'data');
  const child = spawnSync(NODE, ['--import', RECORD_LOADS, join(project, 'bin', 'handle-studio.js'), ...args], {
    cwd: project,
    env: { ...process.env, LOADED_LOG: log, HANDLE_STUDIO_DATA_DIR: dataDir, NODE_COMPILE_CACHE: join(project, 'compile-cache') },
    encoding: 'utf8',
    timeout: 45_000,
  });
  const prefix = pathToFileURL(project).href + '/';
  const urls = readFileSync(log, 'utf8').split('\n');
  const loaded = urls.filter((url) => url.startsWith(prefix)).map((url) => url.slice(prefix.length));
  const packages = new Set(urls.map((url) => /\/node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name) => name !== undefined));
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, loaded, packages: [...packages] };
}

const fromSources = (loaded: string[]) => loaded.filter((path) => path.startsWith('app/'));
const fromBundle = (loaded: string[]) => loaded.filter((path) => path.startsWith('out/cli/'));

describe('bin/handle-studio.js', () => {
  it('runs the bundle once it is built, with the same output as the sources', () => {
    const before = runBin(['--help']);
    expect(before.status).toBe(0);
    expect(fromBundle(before.loaded)).toEqual([]);
    expect(fromSources(before.loaded)).toContain('app/cli/main.ts');

    build();
    const after = runBin(['--help']);
    expect(after.status).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    expect(fromSources(after.loaded)).toEqual([]);
    expect(fromBundle(after.loaded)[0]).toBe('out/cli/main.js');
    // Builtins are taken with process.getBuiltinModule(), never an ESM import (scripts/builtins-without-esm-facade.ts).
    const chunks = readdirSync(join(project, 'out', 'cli')).filter((name) => name.endsWith('.js'));
    expect(chunks.filter((name) => /\bfrom\s*["'`]node:/.test(readFileSync(join(project, 'out', 'cli', name), 'utf8')))).toEqual([]);
    // The overview reads the command table only: no zod, no core, no package at all.
    expect(after.packages).toEqual([]);
  });

  it('falls back to the sources when one of them was edited, or only touched, after the build', () => {
    build();
    appendFileSync(join(project, 'app', 'cli', 'command.ts'), '\n// edited after the build\n');
    const edited = runBin(['--help']);
    expect(edited.status).toBe(0);
    expect(fromBundle(edited.loaded)).toEqual([]);
    expect(fromSources(edited.loaded)).toContain('app/cli/command.ts');

    build();
    expect(fromBundle(runBin(['--help']).loaded)[0]).toBe('out/cli/main.js');
    // Same content, another time (a checkout, an editor's save): still not trusted.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(project, 'app', 'shared', 'errors.ts'), later, later);
    const touched = runBin(['--help']);
    expect(fromBundle(touched.loaded)).toEqual([]);
    expect(fromSources(touched.loaded)).toContain('app/cli/main.ts');
  });

  it('runs a command that opens the data folder from the bundle alone, and loads no sign-in or keychain code for it', () => {
    build();
    const listed = runBin(['history', '--json']);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ entries: [] });
    expect(fromSources(listed.loaded)).toEqual([]);
    expect(fromBundle(listed.loaded)[0]).toBe('out/cli/main.js');
    // zod is bundled in (scripts/node-bundle-options.ts): Node would otherwise link its files one by one at every start.
    // Its files are stamped like ours, so upgrading it makes the bundle stale.
    expect(listed.packages).not.toContain('zod');
    const { inputs } = JSON.parse(readFileSync(join(project, 'out', 'cli', 'inputs.json'), 'utf8')) as {
      inputs: Array<[string, number, number]>;
    };
    expect(inputs.map(([path]) => path)).toContain(join(ROOT, 'node_modules', 'zod', 'mini', 'index.js'));
    expect(listed.packages.filter((name) => name.startsWith('@azure/') || name === 'keytar')).toEqual([]);
    // Profiles and presets are read without conf (and its ajv): it loads for a write only (storage/conf-file.ts).
    expect(listed.packages.filter((name) => ['conf', 'ajv', 'semver'].includes(name))).toEqual([]);
  });
});
