import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFile, checkTree, findImports, folderOf } from './check-boundaries.ts';

const SCRIPT = join(import.meta.dirname, 'check-boundaries.ts');
let project: string;

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'check-boundaries-test-'));
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), content);
  }
}

const messages = () => checkTree(project).violations.map((violation) => violation.message);

describe('checkTree', () => {
  it('catches the renderer importing app/core, with file, line and what the renderer may import', () => {
    write({
      'app/core/history/history-store.ts': 'export const historyStore = 1;\n',
      'renderer/src/history/HistoryList.svelte': [
        '<script lang="ts">',
        "  import { z } from 'zod';",
        "  import { historyStore } from '../../../app/core/history/history-store.ts';",
        '</script>',
        '<p>{historyStore}</p>',
      ].join('\n'),
    });
    expect(messages()).toEqual([
      'renderer/src/history/HistoryList.svelte:3 imports ../../../app/core/history/history-store.ts (app/core), which renderer may not import; ' +
        'renderer/ is the page: it may import app/shared, svelte and zod only (no app/core, no Node built-ins, no electron).',
    ]);
  });

  it('catches app/shared importing node:fs or a bare built-in, but not zod or its own files', () => {
    write({
      'app/shared/mpsd/ids.ts':
        "import { z } from 'zod';\nimport { errors } from '../errors.ts';\nimport { readFileSync } from 'node:fs';\nimport { join } from 'path';\n",
      'app/shared/errors.ts': 'export const errors = 1;\n',
    });
    const violations = checkTree(project).violations;
    expect(violations.map(({ file, line, specifier }) => `${file}:${line} ${specifier}`)).toEqual([
      'app/shared/mpsd/ids.ts:3 node:fs',
      'app/shared/mpsd/ids.ts:4 path',
    ]);
    expect(violations[0]?.message).toContain('which app/shared may not import; app/shared runs anywhere');
  });

  it('catches app/core importing electron, statically, dynamically or through export-from', () => {
    write({
      'app/core/fetcher.ts': [
        "import { net } from 'electron';",
        "export { shell } from 'electron';",
        'export async function load() {',
        "  return import('electron');",
        '}',
      ].join('\n'),
    });
    expect(checkTree(project).violations.map(({ line, specifier }) => `${line} ${specifier}`)).toEqual([
      '1 electron',
      '2 electron',
      '4 electron',
    ]);
  });

  it('ignores specifiers inside comments and strings', () => {
    write({
      'app/shared/security.ts': [
        "// import { readFileSync } from 'node:fs';",
        "/* import { app } from 'electron'; */",
        'export const hint = "import(\'node:fs\')";',
      ].join('\n'),
    });
    expect(messages()).toEqual([]);
  });

  it('counts type-only imports, since they still tie the folder to another one', () => {
    write({ 'renderer/src/api.ts': "import type { HandleStudio } from '../../app/core/handle-studio.ts';\n" });
    expect(messages()).toHaveLength(1);
  });

  it('keeps the emulator off the client code it tests', () => {
    write({
      'app/emulator/handle-bodies.ts':
        "import { parseDraft } from '../core/drafts/parse.ts';\nimport { z } from 'zod';\nimport http from 'node:http';\n",
    });
    expect(checkTree(project).violations.map(({ specifier }) => specifier)).toEqual(['../core/drafts/parse.ts']);
  });

  it("allows only the sandbox's Node modules in the preload, and not app/core", () => {
    write({
      'app/preload/index.ts': [
        "import { contextBridge } from 'electron';",
        "import { EventEmitter } from 'node:events';",
        "import { readFileSync } from 'node:fs';",
        "import { createHandleStudio } from '../core/handle-studio.ts';",
      ].join('\n'),
    });
    expect(checkTree(project).violations.map(({ specifier }) => specifier)).toEqual(['node:fs', '../core/handle-studio.ts']);
  });

  it('lets only the CLI import the emulator, and lets test files use Vitest, Node and the emulator', () => {
    write({
      'app/cli/main.ts': "import { startEmulator } from '../emulator/server.ts';\n",
      'app/host/main.ts': "import { startEmulator } from '../emulator/server.ts';\n",
      'app/core/outbox/outbox-store.test.ts': "import { it } from 'vitest';\nimport { startEmulator } from '../../emulator/server.ts';\n",
      'app/shared/errors.test.ts': "import { it } from 'vitest';\nimport { tmpdir } from 'node:os';\n",
      'app/shared/errors.ts': "import { it } from 'vitest';\n",
    });
    expect(checkTree(project).violations.map(({ file, specifier }) => `${file} ${specifier}`)).toEqual([
      'app/host/main.ts ../emulator/server.ts',
      'app/shared/errors.ts vitest',
    ]);
  });

  it('treats *.fixture.ts as test code, which shipping code may not import', () => {
    write({
      'app/core/credentials/stand-ins.fixture.ts': "import { startLocalMpsd } from '../../emulator/index.ts';\n",
      'app/core/credentials/credentials-service.test.ts': "import { startLocalMpsd } from './stand-ins.fixture.ts';\n",
      'app/core/credentials/credentials-service.ts': "import { startLocalMpsd } from './stand-ins.fixture.ts';\n",
    });
    expect(messages()).toEqual([
      expect.stringContaining(
        'app/core/credentials/credentials-service.ts:1 imports ./stand-ins.fixture.ts (test code), which app/core may not import',
      ),
    ]);
  });

  it('refuses imports that leave the app folders', () => {
    write({ 'app/core/version.ts': "import manifest from '../../scripts/start.ts';\n" });
    expect(messages()).toEqual([
      expect.stringContaining(
        'app/core/version.ts:1 imports ../../scripts/start.ts (scripts/start.ts, outside the app folders), which app/core may not import',
      ),
    ]);
  });

  it('passes the current tree of this repository', () => {
    const { files, violations } = checkTree(resolve(import.meta.dirname, '..'));
    expect(violations.map((violation) => violation.message)).toEqual([]);
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain('app/main/index.ts');
  });
});

describe('helpers', () => {
  it("maps paths to the table's folders", () => {
    expect(folderOf('app/core/ports.ts')).toBe('app/core');
    expect(folderOf('renderer/src/App.svelte')).toBe('renderer');
    expect(folderOf('app/coreutils/x.ts')).toBeNull();
    expect(folderOf('scripts/start.ts')).toBeNull();
  });

  it("reports a .svelte import on the file's own line, past the markup before the script", () => {
    const source =
      '<svelte:options runes />\n\n<script module>\n  export const a = 1;\n</script>\n<script lang="ts">\n\n  import x from \'node:fs\';\n</script>\n';
    expect(findImports(source, 'renderer/src/X.svelte')).toEqual([{ specifier: 'node:fs', line: 8 }]);
  });

  it('leaves files outside the table alone', () => {
    expect(checkFile(project, 'scripts/tool.ts', "import { app } from 'electron';\n")).toEqual([]);
  });
});

describe('command line', () => {
  it('exits 1 and ends with the file counts when a rule is broken', () => {
    write({
      'app/shared/ok.ts': "import { z } from 'zod';\n",
      'app/core/bad.ts': "import { app } from 'electron';\n",
    });
    const run = spawnSync(process.execPath, [SCRIPT, '--root', project], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^app\/core\/bad\.ts:1 imports electron, which app\/core may not import;/);
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
  });

  it('exits 0 on a clean tree', () => {
    write({ 'app/shared/ok.ts': "import { z } from 'zod';\n" });
    expect(execFileSync(process.execPath, [SCRIPT, '--root', project], { encoding: 'utf8' }).trim().split('\n').at(-1)).toBe(
      '1 passed, 0 failed',
    );
  });

  it('refuses a --root that is not a folder', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--root', join(project, 'missing')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--root must be followed by an existing project folder');
  });
});
