/**
 * `node scripts/check-boundaries.ts`: enforces "Folders and who may import what" from
 * docs/engineering.md over every .ts and .svelte file under app/ and renderer/.
 *
 * Import specifiers are found by TypeScript's own pre-processor (static imports, `import type`,
 * `export … from`, `import('…')` and `require('…')`, never text inside comments or strings);
 * relative ones are resolved to the folder they land in. Type-only imports count too: a type
 * pulled from a folder you may not import is still a dependency on that folder's design.
 *
 * Prints `file:line imports X, which <folder> may not import; <what it may import>` for every
 * violation and `N passed, N failed` (files) last; exits 1 on any violation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The folders of the table in docs/engineering.md. */
export type BoundaryFolder = 'app/shared' | 'app/core' | 'app/emulator' | 'app/main' | 'app/preload' | 'app/host' | 'app/cli' | 'renderer';

interface FolderRule {
  /** Project folders this one may import, besides itself. */
  folders: readonly BoundaryFolder[];
  /** Node built-in modules: all, none, or the few listed. */
  builtins: 'all' | readonly string[];
  electron: boolean;
  /** npm packages (other than electron): all, or only those listed (subpaths included). */
  packages: 'all' | readonly string[];
  /** What a reader of a violation needs to know to fix it. */
  allowed: string;
}

// Electron's sandboxed preload can require only these Node modules (plus `electron`).
const SANDBOXED_PRELOAD_BUILTINS = ['events', 'timers', 'url'];

/**
 * The rules, one per folder. Where the table is silent on npm packages or built-ins, the
 * folder's runtime decides: main runs in Electron's Node, host and cli in plain Node.
 */
export const BOUNDARY_RULES: Readonly<Record<BoundaryFolder, FolderRule>> = {
  'app/shared': {
    folders: [],
    builtins: [],
    electron: false,
    packages: ['zod'],
    allowed:
      'app/shared runs anywhere, the page included: it may import only zod and other app/shared files (no Node built-ins, no electron)',
  },
  'app/core': {
    folders: ['app/shared'],
    builtins: 'all',
    electron: false,
    packages: 'all',
    allowed:
      "app/core runs in plain Node (browser mode, CLI): it may import app/shared, Node built-ins and npm packages except electron; Electron's parts reach core through app/core/ports.ts from app/main",
  },
  'app/emulator': {
    folders: ['app/shared'],
    builtins: 'all',
    electron: false,
    // zod because app/shared's schemas are zod values the emulator parses bodies with.
    packages: ['zod'],
    allowed:
      'app/emulator is a stand-alone server that must not lean on the client code it tests: it may import app/shared, Node built-ins and zod',
  },
  'app/main': {
    folders: ['app/core', 'app/shared'],
    builtins: 'all',
    electron: true,
    packages: 'all',
    allowed: 'app/main may import app/core, app/shared, electron, Node built-ins and npm packages',
  },
  'app/preload': {
    // Not app/core: the preload runs sandboxed, where core's Node built-ins (fs, sqlite,
    // http) do not exist.
    folders: ['app/shared'],
    builtins: SANDBOXED_PRELOAD_BUILTINS,
    electron: true,
    packages: ['zod'],
    allowed: `app/preload runs sandboxed: it may import app/shared, electron, zod and only the Node modules a sandboxed preload has (${SANDBOXED_PRELOAD_BUILTINS.join(', ')})`,
  },
  'app/host': {
    folders: ['app/core', 'app/shared'],
    builtins: 'all',
    electron: false,
    packages: 'all',
    allowed: 'app/host runs in plain Node: it may import app/core, app/shared, Node built-ins and npm packages except electron',
  },
  'app/cli': {
    folders: ['app/core', 'app/shared', 'app/emulator'],
    builtins: 'all',
    electron: false,
    packages: 'all',
    allowed:
      'app/cli runs in plain Node: it may import app/core, app/shared, app/emulator, Node built-ins and npm packages except electron',
  },
  renderer: {
    folders: ['app/shared'],
    builtins: [],
    electron: false,
    // The page: a package not listed here is either Node-only (conf, keytar…) or has not
    // been looked at yet; add it here once it is known to run in a browser.
    packages: ['svelte', 'zod'],
    allowed: 'renderer/ is the page: it may import app/shared, svelte and zod only (no app/core, no Node built-ins, no electron)',
  },
};

// Tests and their fixtures (`*.fixture.ts`, imported only by tests) run under Vitest in plain
// Node and never ship: they may also use Vitest, Node built-ins and the emulator (a real MPSD
// server to test against), on top of their folder's rules. Shipping code may not import them.
const TEST_CODE = /\.(test|fixture)\.ts$/;
const TEST_EXTRAS = { folders: ['app/emulator'] as BoundaryFolder[], packages: ['vitest'] };

const FOLDERS = Object.keys(BOUNDARY_RULES) as BoundaryFolder[];

/** One import found in a file, with the 1-based line it is on. */
export interface FoundImport {
  specifier: string;
  line: number;
}

/** One broken rule, ready to print. */
export interface BoundaryViolation {
  file: string;
  line: number;
  specifier: string;
  folder: BoundaryFolder;
  message: string;
}

/** Which table folder a project-relative path (forward slashes) belongs to, if any. */
export function folderOf(projectPath: string): BoundaryFolder | null {
  return FOLDERS.find((folder) => projectPath === folder || projectPath.startsWith(`${folder}/`)) ?? null;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < position; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

/**
 * Every module specifier a .ts or .svelte source imports. For .svelte only the `<script>`
 * blocks are read; line numbers are the file's own.
 */
export function findImports(source: string, fileName: string): FoundImport[] {
  const blocks: { code: string; offset: number }[] = [];
  if (fileName.endsWith('.svelte')) {
    for (const match of source.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
      const code = match[1] ?? '';
      blocks.push({ code, offset: (match.index ?? 0) + match[0].indexOf(code) });
    }
  } else {
    blocks.push({ code: source, offset: 0 });
  }
  return blocks.flatMap(({ code, offset }) =>
    ts.preProcessFile(code, true, true).importedFiles.map((reference) => ({
      specifier: reference.fileName,
      line: lineAt(source, offset + reference.pos),
    })),
  );
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Where a relative specifier in `file` lands: its table folder, or its project path if outside the table. */
function relativeTarget(projectRoot: string, file: string, specifier: string): { folder: BoundaryFolder | null; path: string } {
  const path = relative(projectRoot, resolve(projectRoot, dirname(file), specifier))
    .split(sep)
    .join('/');
  return { folder: folderOf(path), path };
}

/** Whether `specifier`, imported by `file` (project-relative) in `folder`, keeps to the rules. */
function isAllowed(projectRoot: string, file: string, folder: BoundaryFolder, specifier: string): boolean {
  const rule = BOUNDARY_RULES[folder];
  const isTest = TEST_CODE.test(file);
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = relativeTarget(projectRoot, file, specifier);
    if (TEST_CODE.test(target.path) && !isTest) return false;
    return (
      target.folder !== null &&
      (target.folder === folder || rule.folders.includes(target.folder) || (isTest && TEST_EXTRAS.folders.includes(target.folder)))
    );
  }
  if (isBuiltin(specifier)) return rule.builtins === 'all' || isTest || rule.builtins.includes(specifier.replace(/^node:/, ''));
  const name = packageName(specifier);
  if (name === 'electron') return rule.electron;
  return rule.packages === 'all' || rule.packages.includes(name) || (isTest && TEST_EXTRAS.packages.includes(name));
}

/** Checks one file's source against its folder's rules; files outside the table pass. */
export function checkFile(projectRoot: string, file: string, source: string): BoundaryViolation[] {
  const folder = folderOf(file);
  if (!folder) return [];
  return findImports(source, file)
    .filter(({ specifier }) => !isAllowed(projectRoot, file, folder, specifier))
    .map(({ specifier, line }) => {
      const target = specifier.startsWith('.') || specifier.startsWith('/') ? relativeTarget(projectRoot, file, specifier) : null;
      const where = !target ? '' : TEST_CODE.test(target.path) ? 'test code' : (target.folder ?? `${target.path}, outside the app folders`);
      const shown = target ? `${specifier} (${where})` : specifier;
      return {
        file,
        line,
        specifier,
        folder,
        message: `${file}:${line} imports ${shown}, which ${folder} may not import; ${BOUNDARY_RULES[folder].allowed}.`,
      };
    });
}

function sourceFiles(projectRoot: string, dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(projectRoot, dir), { withFileTypes: true });
  } catch {
    return []; // a folder that does not exist yet has nothing to check
  }
  return entries.flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(projectRoot, path);
    return /\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Checks every .ts/.svelte file under app/ and renderer/ of `projectRoot`. */
export function checkTree(projectRoot: string): { files: string[]; violations: BoundaryViolation[] } {
  const files = [...sourceFiles(projectRoot, 'app'), ...sourceFiles(projectRoot, 'renderer')].sort();
  const violations = files.flatMap((file) => checkFile(projectRoot, file, readFileSync(join(projectRoot, file), 'utf8')));
  return { files, violations };
}

if (import.meta.main) {
  // --root <dir> checks another tree (the tests use it); by default, this repository.
  const rootFlag = process.argv.indexOf('--root');
  const rootArgument = rootFlag === -1 ? undefined : process.argv[rootFlag + 1];
  if (rootFlag !== -1 && (!rootArgument || !statSync(rootArgument, { throwIfNoEntry: false })?.isDirectory())) {
    console.error(`--root must be followed by an existing project folder (got ${rootArgument ? `"${rootArgument}"` : 'nothing'}).`);
    process.exit(2);
  }
  const { files, violations } = checkTree(rootArgument ? resolve(rootArgument) : resolve(import.meta.dirname, '..'));
  for (const violation of violations) console.log(violation.message);
  const failedFiles = new Set(violations.map((violation) => violation.file)).size;
  if (violations.length === 0) console.log(`Import boundaries hold in all ${files.length} files under app/ and renderer/.`);
  console.log(`${files.length - failedFiles} passed, ${failedFiles} failed`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
