/**
 * The plugin that takes builtins through process.getBuiltinModule(): each import shape rolldown
 * writes, a shape it does not know failing the build, and a real bundle run in a real Node that
 * no longer loads what the ESM facade of node:fs would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinImportAsStatements, builtinsWithoutEsmFacade, withoutBuiltinImports } from './builtins-without-esm-facade.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'builtins-facade-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('builtinImportAsStatements', () => {
  it('turns each import shape rolldown writes into a getBuiltinModule call', () => {
    const load = 'process.getBuiltinModule("node:fs")';
    expect(builtinImportAsStatements('{ readFileSync, statSync as stat }', 'node:fs')).toBe(
      `const { readFileSync, statSync: stat } = ${load};`,
    );
    expect(builtinImportAsStatements('* as fs', 'node:fs')).toBe(`const fs = ${load};`);
    expect(builtinImportAsStatements('fs', 'node:fs')).toBe(`const fs = ${load};`);
    expect(builtinImportAsStatements('fs, { constants }', 'node:fs')).toBe(`const fs = ${load}, { constants } = fs;`);
    expect(builtinImportAsStatements('{ default as fs$1 }', 'node:fs')).toBe(`const { "default": fs$1 } = ${load};`);
  });
});

describe('withoutBuiltinImports', () => {
  it('rewrites builtin imports and leaves our own and packages alone', () => {
    const code = [
      'import { a as helper } from "./chunk.js";',
      'import { setTimeout as sleep } from "node:timers/promises";',
      'import Store from "electron-store";',
      'export const later = () => import("node:child_process");',
    ].join('\n');
    expect(withoutBuiltinImports(code, 'main.js')).toBe(
      [
        'import { a as helper } from "./chunk.js";',
        'const { setTimeout: sleep } = process.getBuiltinModule("node:timers/promises");',
        'import Store from "electron-store";',
        'export const later = () => import("node:child_process");',
      ].join('\n'),
    );
  });

  it('fails the build on an import of a builtin it cannot rewrite, naming the chunk', () => {
    expect(() => withoutBuiltinImports('import "node:fs";\n', 'main.js')).toThrow(
      /main\.js: an import of a builtin was left as it was: "import "node:fs""/,
    );
    expect(() => withoutBuiltinImports('import fs, * as all from "node:fs";\n', 'main.js')).toThrow(/main\.js: cannot rewrite/);
  });
});

describe('a bundle built with the plugin', () => {
  it('uses node:fs without loading the fs streams and fs.promises its ESM facade would', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        "import { readFileSync } from 'node:fs';",
        "import * as path from 'node:path';",
        // Which of the facade's lazy parts this process loaded by the time our code ran.
        "const lazy = process.moduleLoadList.filter((name) => name === 'NativeModule internal/fs/streams' || name === 'NativeModule internal/fs/promises');",
        "process.stdout.write(JSON.stringify({ read: readFileSync(path.join(import.meta.dirname, 'data.txt'), 'utf8'), lazy }));",
      ].join('\n'),
    );
    writeFileSync(join(dir, 'data.txt'), 'read through the module object');
    const run = async (plugins: ReturnType<typeof builtinsWithoutEsmFacade>[], outDir: string) => {
      await build({ input: { main: entry }, platform: 'node', logLevel: 'silent', plugins, output: { dir: outDir, format: 'esm' } });
      writeFileSync(join(outDir, 'data.txt'), readFileSync(join(dir, 'data.txt')));
      const child = spawnSync(process.execPath, [join(outDir, 'main.js')], { encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { read: string; lazy: string[] };
    };

    const withPlugin = await run([builtinsWithoutEsmFacade()], join(dir, 'with'));
    expect(withPlugin).toEqual({ read: 'read through the module object', lazy: [] });
    expect(readFileSync(join(dir, 'with', 'main.js'), 'utf8')).not.toMatch(/from\s*"node:/);
    // The same bundle without the plugin: what the rewrite saves, so this test would notice if it stopped saving it.
    const without = await run([], join(dir, 'without'));
    expect(without.read).toBe('read through the module object');
    expect(without.lazy).toContain('NativeModule internal/fs/streams');
  });
});
