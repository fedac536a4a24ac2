/**
 * `node scripts/build-cli.ts [OUT_DIR]`: bundles the CLI (app/cli and the core, shared and
 * emulator code it imports) into plain JavaScript under out/cli, which `bin/handle-studio.js`
 * runs instead of the TypeScript sources while it is up to date. Run by `npm run build` and by
 * `prepare` (so `npm ci` leaves a fast `bin`).
 *
 * Why: Node strips types from every .ts file at start-up and resolves each import on its own;
 * one file per command group (imported when the command runs) skips both.
 *
 * Next to the bundle it writes `inputs.json` (bin/cli-bundle.js): every source file that went into it with its size
 * and modification time. The bin compares them before each run and falls back to the sources
 * when any differs, so an edited source is never shadowed by an old bundle.
 */
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { INPUTS_FILE, type CliBundleInputs } from '../bin/cli-bundle.js';
import { builtinsWithoutEsmFacade } from './builtins-without-esm-facade.ts';
import { isBundledPackage, NODE_BUNDLE_MINIFY } from './node-bundle-options.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Files core opens at run time next to its own module (`new URL('./x', import.meta.url)` or a
 * path built from `import.meta.url`), copied beside the bundle so the same lookup finds them.
 */
const FILES_BESIDE_MODULES = [join(ROOT, 'app/emulator/default-templates.json')];

/** Size in bytes and modification time in ms of a source file, taken before it was read. */
type Stamp = [size: number, mtimeMs: number];

function stamp(path: string): Stamp {
  const stats = statSync(path);
  return [stats.size, stats.mtimeMs];
}

/** Whether an import is of a package left in node_modules (not our code, not a package in BUNDLED_PACKAGES). */
function isExternalPackage(id: string): boolean {
  return !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0') && !isBundledPackage(id);
}

/**
 * Bundles `input` (name to source path) into `outDir` the way the CLI is bundled: ESM for Node,
 * our code and BUNDLED_PACKAGES in, other packages left in node_modules, builtins taken without
 * their ESM facade, minified (scripts/node-bundle-options.ts), every file in one folder. Returns the stamp of every source that went in (bundled packages' files too, so an
 * upgrade makes the bundle stale), taken just before the bundler read it: a file saved while
 * the build runs then differs from its stamp, and the bin does not trust the bundle.
 */
export async function bundleForNode(input: Record<string, string>, outDir: string): Promise<Map<string, Stamp>> {
  rmSync(outDir, { recursive: true, force: true });
  const sources = new Map<string, Stamp>();
  await build({
    cwd: ROOT,
    input,
    platform: 'node',
    external: isExternalPackage,
    logLevel: 'warn',
    plugins: [
      {
        name: 'stamp-sources',
        load(id) {
          if (!isAbsolute(id)) return null;
          sources.set(id, stamp(id));
          return readFileSync(id, 'utf8');
        },
      },
      builtinsWithoutEsmFacade(),
    ],
    output: {
      dir: outDir,
      format: 'esm',
      minify: NODE_BUNDLE_MINIFY,
      // Code that finds a file beside its own module (keychain-worker, default-templates.json) finds it here too.
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    },
  });
  return sources;
}

export async function buildCli(outDir = join(ROOT, 'out', 'cli')): Promise<CliBundleInputs> {
  // A change to how the bundle is made makes it stale too.
  const buildScripts = [
    import.meta.url,
    import.meta.resolve('./node-bundle-options.ts'),
    import.meta.resolve('./builtins-without-esm-facade.ts'),
  ].map((url) => fileURLToPath(url));
  const buildStamps = buildScripts.map((path) => [path, stamp(path)] as const);
  const sources = await bundleForNode(
    {
      main: join(ROOT, 'app/cli/main.ts'),
      // Forked by the keychain helper from the folder its own code is in (keychain-helper.ts).
      'keychain-worker': join(ROOT, 'app/core/credentials/keychain-worker.ts'),
    },
    outDir,
  );
  for (const [path, buildStamp] of buildStamps) sources.set(path, buildStamp);
  for (const file of FILES_BESIDE_MODULES) {
    sources.set(file, stamp(file));
    copyFileSync(file, join(outDir, basename(file)));
  }
  const manifest: CliBundleInputs = {
    entry: 'main.js',
    inputs: [...sources].sort(([a], [b]) => a.localeCompare(b)).map(([path, [size, mtimeMs]]) => [path, size, mtimeMs]),
  };
  writeFileSync(join(outDir, INPUTS_FILE), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  const manifest = await buildCli(outDir);
  const size = readFileSync(join(outDir ?? join(ROOT, 'out', 'cli'), manifest.entry)).length;
  process.stdout.write(
    `CLI bundle: ${manifest.inputs.length} source files into ${outDir ?? 'out/cli'} (entry ${Math.round(size / 1024)} KB)\n`,
  );
}
