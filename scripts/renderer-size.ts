/**
 * How big the built renderer is, as a user's window receives it: every file of the page
 * (source maps excluded: they never ship), and the part the first screen needs before it
 * can show anything. Shared by the bundle budget check (`npm test`) and
 * `bench/renderer-size.ts`, so the figure that is enforced is the figure that is reported.
 *
 * Sizes are raw and gzipped (level 9): neither app:// nor browser mode compresses, so raw is
 * what is read and parsed; gzip is the figure the budget is written in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { init, parse } from 'es-module-lexer';

export interface Size {
  raw: number;
  gzip: number;
}

export interface RendererSize {
  /** Every file the page may load (index.html, all JS and CSS chunks, assets). */
  whole: Size;
  /** index.html, what it names (entry script, preloads, stylesheets) and every static import from there. */
  firstLoad: Size & { files: string[] };
  files: (Size & { file: string })[];
}

export async function measureRenderer(dir: string): Promise<RendererSize> {
  await init;
  const root = resolve(dir);
  const files = listFiles(root)
    .filter((file) => !file.endsWith('.map'))
    .map((file) => ({ file, ...sizeOf(readFileSync(join(root, file))) }));
  const firstLoadFiles = firstLoad(root);
  const inFirstLoad = files.filter(({ file }) => firstLoadFiles.includes(file));
  return { whole: total(files), firstLoad: { ...total(inFirstLoad), files: firstLoadFiles }, files };
}

export function sizeOf(content: Buffer | string): Size {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function total(sizes: Size[]): Size {
  return { raw: sizes.reduce((sum, size) => sum + size.raw, 0), gzip: sizes.reduce((sum, size) => sum + size.gzip, 0) };
}

function listFiles(root: string, under = root): string[] {
  return readdirSync(under).flatMap((name) => {
    const path = join(under, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

/** What index.html loads before the first screen shows, as paths relative to `root`. */
function firstLoad(root: string): string[] {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const named = [
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1] ?? ''),
    // stylesheets and modulepreload hints; prefetch hints (not loaded up front) are left out.
    ...[...html.matchAll(/<link\b[^>]*>/g)]
      .map((match) => match[0])
      .filter((tag) => /\brel="(stylesheet|modulepreload)"/.test(tag))
      .map((tag) => /\bhref="([^"]+)"/.exec(tag)?.[1] ?? ''),
  ].filter((url) => url !== '' && !/^[a-z]+:/i.test(url));
  const found = new Set<string>(['index.html']);
  const pending = named.map((url) => relative(root, resolve(root, url)));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (found.has(file)) continue;
    found.add(file);
    if (file.endsWith('.js')) pending.push(...staticImports(join(root, file)).map((path) => relative(root, path)));
  }
  return [...found];
}

/**
 * The relative modules a built chunk imports statically (`import ... from "./x.js"`, `import "./x.js"`,
 * `export ... from "./x.js"`); `import("./x.js")` loads later and is not followed. A real lexer,
 * because a comment or a string in the chunk may hold text that looks like an import.
 */
function staticImports(file: string): string[] {
  const [imports] = parse(readFileSync(file, 'utf8'), file);
  return imports
    .filter((entry) => entry.d === -1 && entry.n !== undefined && /^\.{1,2}\//.test(entry.n))
    .map((entry) => resolve(dirname(file), entry.n ?? ''));
}

/** Kilobytes as the budget is written: 1 KB = 1,000 bytes. */
export function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}
