import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureRenderer } from './renderer-size.ts';

const script = fileURLToPath(new URL('./check-bundle-budget.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-budget-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Text gzip cannot shrink much: base64 of random bytes (about 0.76 of its length once gzipped). */
function incompressible(gzippedBytes: number): string {
  return randomBytes(gzippedBytes).toString('base64');
}

/**
 * A built renderer shaped like Vite's: index.html names the entry script, a modulepreload and
 * the stylesheet; the entry imports a shared chunk statically and a screen chunk on demand.
 * `sizes` pads chunks with incompressible text to push a figure over a budget.
 */
function writeBuild(sizes: { shared?: number; screen?: number } = {}): void {
  const files: Record<string, string> = {
    'index.html':
      '<!doctype html><html><head><script type="module" crossorigin src="./assets/index.js"></script>' +
      '<link rel="modulepreload" crossorigin href="./assets/shared.js"><link rel="stylesheet" crossorigin href="./assets/index.css"></head>' +
      '<body><div id="app"></div></body></html>',
    // The string and the comment look like imports; only the real static import is followed.
    'assets/index.js':
      'import{s as e}from"./shared.js";/* import "./missing.js" */const t=\'from "./also-missing.js"\';' +
      'export const open=()=>import("./screen.js");e(t);',
    'assets/shared.js': `export const s=()=>"${incompressible(sizes.shared ?? 100)}";`,
    'assets/screen.js': `import{s as e}from"./shared.js";export default ()=>e("${incompressible(sizes.screen ?? 100)}");`,
    'assets/screen.css': '.screen{color:red}',
    'assets/index.css': 'body{margin:0}',
    // Source maps never ship, so they count for nothing however large.
    'assets/index.js.map': incompressible(200_000),
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function check(target = dir) {
  const run = spawnSync(process.execPath, [script, '--dir', target], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: run.stdout + run.stderr };
}

describe('measureRenderer', () => {
  it('counts in the first load what index.html names and what it imports statically, not what loads on demand or source maps', async () => {
    writeBuild();
    const size = await measureRenderer(dir);
    expect(size.firstLoad.files.sort()).toEqual(['assets/index.css', 'assets/index.js', 'assets/shared.js', 'index.html']);
    expect(size.files.map(({ file }) => file).sort()).toEqual([
      'assets/index.css',
      'assets/index.js',
      'assets/screen.css',
      'assets/screen.js',
      'assets/shared.js',
      'index.html',
    ]);
    const sum = (files: string[], key: 'raw' | 'gzip') =>
      size.files.filter(({ file }) => files.includes(file)).reduce((total, file) => total + file[key], 0);
    expect(size.firstLoad.gzip).toBe(sum(size.firstLoad.files, 'gzip'));
    expect(size.whole.raw).toBe(
      sum(
        size.files.map(({ file }) => file),
        'raw',
      ),
    );
    expect(size.whole.gzip).toBeGreaterThan(size.firstLoad.gzip);
  });
});

describe('check-bundle-budget', () => {
  it('passes a build inside both budgets and prints both figures', () => {
    writeBuild();
    const { code, out } = check();
    expect(out).toMatch(/^PASS whole UI: \d+\.\d KB gzipped \(\d+\.\d KB raw\), ceiling 130\.0 KB \(goal 60\.0 KB: met\)$/m);
    expect(out).toMatch(/^PASS first load \(4 files\): \d+\.\d KB gzipped \(\d+\.\d KB raw\), ceiling 35\.0 KB \(goal 45\.0 KB: met\)$/m);
    expect(out.trim().split('\n').at(-1)).toBe('2 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('fails when a screen loaded on demand takes the whole UI over its ceiling, while the first load still passes', () => {
    writeBuild({ screen: 150_000 });
    const { code, out } = check();
    expect(out).toMatch(
      /^FAIL whole UI: \d+\.\d KB gzipped .* KB over; `node bench\/renderer-size.ts` lists the largest modules \(goal 60\.0 KB: not met, \d+\.\d KB to go\)$/m,
    );
    expect(out).toMatch(/^PASS first load/m);
    expect(out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('passes between the goal and the ceiling, saying the goal is not met', () => {
    writeBuild({ screen: 80_000 });
    const { code, out } = check();
    expect(out).toMatch(
      /^PASS whole UI: \d+\.\d KB gzipped \(\d+\.\d KB raw\), ceiling 130\.0 KB \(goal 60\.0 KB: not met, \d+\.\d KB to go\)$/m,
    );
    expect(code).toBe(0);
  });

  it('fails when what the first screen imports takes the first load over its ceiling', () => {
    writeBuild({ shared: 40_000 });
    const { code, out } = check();
    expect(out).toMatch(/^PASS whole UI/m);
    expect(out).toMatch(/^FAIL first load \(4 files\): \d+\.\d KB gzipped/m);
    expect(out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('fails, saying to build first, when there is no build', () => {
    const { code, out } = check(join(dir, 'nothing-here'));
    expect(out).toContain('no built renderer at');
    expect(out).toContain('run `npx electron-vite build` first');
    expect(out.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(code).toBe(1);
  });
});
