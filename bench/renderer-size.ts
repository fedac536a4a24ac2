/**
 * How much the page weighs, before and after:
 * `node bench/renderer-size.ts [--baseline <git rev>] [--after <git rev>] [--top N]` (about a minute).
 * Builds the baseline commit (in a git worktree under the temp folder, sharing this tree's
 * node_modules) and the working tree as it is (or the `--after` commit, to leave out work in
 * progress), each into a temp folder with the project's own electron-vite config, and prints
 * side by side:
 *
 *  - the whole renderer and its first load (index.html, what it names and what that imports
 *    statically), raw and gzipped, measured exactly as `scripts/check-bundle-budget.ts` does;
 *  - the preload bundle (not part of the page's budget; it carries the bridge);
 *  - where the bytes go: the shipped JS attributed to source modules through source maps
 *    (emitted for this measurement only), by package or app folder, for the whole and for the
 *    first load, and the N largest modules (15 unless `--top` says).
 *
 * Prints figures; asserts nothing. The baseline defaults to the commit before issue 12's
 * renderer work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { kb, measureRenderer, type RendererSize } from '../scripts/renderer-size.ts';

const BASELINE = 'c8d27d6';
/** Bytes no source names: mostly the template code Svelte compiles components into, which it maps only in part. */
const UNMAPPED = '(unmapped: mostly compiled Svelte templates)';
const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    baseline: { type: 'string', default: BASELINE },
    after: { type: 'string' },
    top: { type: 'string', default: '15' },
    'build-into': { type: 'string' },
  },
});

if (values['build-into'] !== undefined) {
  // Child mode: build the tree in the current directory (the config resolves paths from it).
  const { build } = await import('electron-vite');
  await build({ root: process.cwd(), logLevel: 'error', build: { outDir: values['build-into'], emptyOutDir: true, sourcemap: 'hidden' } });
  process.exit(0);
}

interface Measured {
  label: string;
  size: RendererSize;
  preloadRaw: number;
  /** Minified JS bytes per source module, from the source maps. */
  modules: Map<string, number>;
  /** The same, counting only the files of the first load. */
  firstLoadModules: Map<string, number>;
}

const work = mkdtempSync(join(tmpdir(), 'renderer-size-'));
try {
  const trees: string[] = [];
  const checkout = (rev: string, name: string): string => {
    const tree = join(work, name);
    git(['worktree', 'add', '--detach', tree, rev]);
    trees.push(tree);
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
    return tree;
  };
  try {
    const before = await measureTree(`before (${values.baseline})`, checkout(values.baseline, 'baseline'), join(work, 'out-baseline'));
    const after =
      values.after === undefined
        ? await measureTree('after (working tree)', root, join(work, 'out-working'))
        : await measureTree(`after (${values.after})`, checkout(values.after, 'after'), join(work, 'out-after'));
    report(before, after);
  } finally {
    for (const tree of trees) git(['worktree', 'remove', '--force', tree]);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function git(args: string[]): void {
  const run = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr.trim()}`);
}

async function measureTree(label: string, tree: string, outDir: string): Promise<Measured> {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--build-into', outDir], {
    cwd: tree,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) throw new Error(`building ${label} failed:\n${run.stdout}\n${run.stderr}`);
  const rendererDir = join(outDir, 'renderer');
  const size = await measureRenderer(rendererDir);
  return {
    label,
    size,
    preloadRaw: statSync(join(outDir, 'preload', 'index.cjs')).size,
    modules: moduleBytes(rendererDir, tree, jsFiles(rendererDir)),
    firstLoadModules: moduleBytes(
      rendererDir,
      tree,
      size.firstLoad.files.filter((file) => file.endsWith('.js')),
    ),
  };
}

function report(before: Measured, after: Measured): void {
  const rows: [string, string, string][] = [
    ['whole UI, raw', kb(before.size.whole.raw), kb(after.size.whole.raw)],
    ['whole UI, gzipped (budget 60 KB)', kb(before.size.whole.gzip), kb(after.size.whole.gzip)],
    ['first load, raw', kb(before.size.firstLoad.raw), kb(after.size.firstLoad.raw)],
    ['first load, gzipped (budget 45 KB)', kb(before.size.firstLoad.gzip), kb(after.size.firstLoad.gzip)],
    [
      'files: whole / first load',
      `${before.size.files.length} / ${before.size.firstLoad.files.length}`,
      `${after.size.files.length} / ${after.size.firstLoad.files.length}`,
    ],
    ['preload bundle, raw (not in the budget)', kb(before.preloadRaw), kb(after.preloadRaw)],
  ];
  console.log('Renderer size (gzip level 9, 1 KB = 1,000 bytes; source maps excluded)\n');
  table(['', before.label, after.label], rows);

  console.log('\nShipped JS by package or app folder (bytes as shipped, attributed through source maps)\n');
  const groupsBefore = grouped(before.modules);
  const groupsAfter = grouped(after.modules);
  const names = [...new Set([...groupsBefore.keys(), ...groupsAfter.keys()])].sort(
    (a, b) => (groupsAfter.get(b) ?? 0) - (groupsAfter.get(a) ?? 0) || (groupsBefore.get(b) ?? 0) - (groupsBefore.get(a) ?? 0),
  );
  table(
    ['', before.label, after.label],
    names.map((name) => [name, kb(groupsBefore.get(name) ?? 0), kb(groupsAfter.get(name) ?? 0)]),
  );

  console.log('\nFirst load only, by package or app folder (bytes as shipped)\n');
  const firstBefore = grouped(before.firstLoadModules);
  const firstAfter = grouped(after.firstLoadModules);
  table(
    ['', before.label, after.label],
    [...new Set([...firstBefore.keys(), ...firstAfter.keys()])]
      .sort((a, b) => (firstAfter.get(b) ?? 0) - (firstAfter.get(a) ?? 0) || (firstBefore.get(b) ?? 0) - (firstBefore.get(a) ?? 0))
      .map((name) => [name, kb(firstBefore.get(name) ?? 0), kb(firstAfter.get(name) ?? 0)]),
  );

  console.log('\nLargest modules after (bytes as shipped)\n');
  const largest = [...after.modules].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  table(
    ['module', 'size'],
    largest.map(([name, bytes]) => [name, kb(bytes)]),
  );
}

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  for (const row of all)
    console.log(
      row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('   '),
    );
}

/** `node_modules/zod/...` counts as `zod`; the app's own files count by their first two folders. */
function grouped(modules: Map<string, number>): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [name, bytes] of modules) {
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name);
    const group = inPackage
      ? `${inPackage[1]} (package)`
      : name
          .split('/')
          .slice(0, name.startsWith('renderer/') ? 3 : 2)
          .join('/');
    groups.set(group, (groups.get(group) ?? 0) + bytes);
  }
  return groups;
}

/**
 * Each shipped JS file's bytes, attributed to the source module its source map names for
 * them (a mapping segment owns the columns up to the next segment).
 */
function moduleBytes(rendererDir: string, tree: string, files: string[]): Map<string, number> {
  const modules = new Map<string, number>();
  const add = (name: string, bytes: number) => modules.set(name, (modules.get(name) ?? 0) + bytes);
  for (const file of files.map((path) => resolve(rendererDir, path))) {
    const code = readFileSync(file, 'utf8');
    if (!existsSync(`${file}.map`)) {
      add('(no source map)', code.length);
      continue;
    }
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; mappings: string };
    const names = map.sources.map((source) => sourceName(resolve(dirname(file), source), tree));
    const lines = code.split('\n');
    const mapped = decodeMappings(map.mappings);
    lines.forEach((line, index) => {
      const segments = mapped[index] ?? [];
      let covered = 0;
      segments.forEach(([column, source], segment) => {
        const end = segments[segment + 1]?.[0] ?? line.length;
        if (segment === 0) covered = column;
        add(source === undefined ? UNMAPPED : (names[source] ?? '(unknown)'), end - column);
      });
      add(UNMAPPED, segments.length === 0 ? line.length + 1 : covered + 1);
    });
  }
  return modules;
}

/** A package module as `node_modules/<package>/...`; the app's own as a path in its tree, so both trees name files alike. */
function sourceName(path: string, tree: string): string {
  const inPackage = path.lastIndexOf('/node_modules/');
  return inPackage >= 0 ? path.slice(inPackage + 1) : relative(tree, path);
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(dir, file));
}

/** Source map v3 mappings: per generated line, [column, source index?] per segment. */
function decodeMappings(mappings: string): [number, number | undefined][][] {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    return line
      .split(',')
      .filter((segment) => segment !== '')
      .map((segment) => {
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of segment) {
          const digit = digits.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) {
            shift += 5;
          } else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        column += fields[0] ?? 0;
        if (fields.length < 4) return [column, undefined] as [number, number | undefined];
        // Source index, original line and column are deltas across the whole file.
        source += fields[1] ?? 0;
        return [column, source] as [number, number | undefined];
      });
  });
}
