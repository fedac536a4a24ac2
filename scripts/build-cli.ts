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
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { INPUTS_FILE, type CliBundleInputs } from '../bin/cli-bundle.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Files core opens at run time next to its own module (`new URL('./x', import.meta.url)` or a
 * path built from `import.meta.url`), copied beside the bundle so the same lookup finds them.
 */
const FILES_BESIDE_MODULES = [join(ROOT, 'app/emulator/default-templates.json')];

export async function buildCli(outDir = join(ROOT, 'out', 'cli')): Promise<CliBundleInputs> {
  rmSync(outDir, { recursive: true, force: true });
  const output = await build({
    cwd: ROOT,
    input: {
      main: join(ROOT, 'app/cli/main.ts'),
      // Forked by the keychain helper from the folder its own code is in (keychain-helper.ts).
      'keychain-worker': join(ROOT, 'app/core/credentials/keychain-worker.ts'),
    },
    platform: 'node',
    // Packages stay in node_modules (keytar is native; the others load only when a command needs them).
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
    logLevel: 'warn',
    output: {
      dir: outDir,
      format: 'esm',
      // Every file in one folder: code that finds a file beside itself finds it in the bundle too.
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    },
  });

  const sources = new Set<string>();
  for (const item of output.output) {
    if (item.type !== 'chunk') continue;
    for (const id of item.moduleIds) if (isAbsolute(id)) sources.add(id);
  }
  for (const file of FILES_BESIDE_MODULES) {
    copyFileSync(file, join(outDir, file.slice(file.lastIndexOf('/') + 1)));
    sources.add(file);
  }
  // A change to how the bundle is made makes it stale too.
  sources.add(fileURLToPath(import.meta.url));

  const manifest: CliBundleInputs = {
    entry: 'main.js',
    inputs: [...sources].sort().map((path) => {
      const stats = statSync(path);
      return [path, stats.size, stats.mtimeMs];
    }),
  };
  mkdirSync(dirname(join(outDir, INPUTS_FILE)), { recursive: true });
  writeFileSync(join(outDir, INPUTS_FILE), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  const manifest = await buildCli(outDir);
  const size = readFileSync(join(outDir ?? join(ROOT, 'out', 'cli'), manifest.entry)).length;
  process.stdout.write(`CLI bundle: ${manifest.inputs.length} source files into ${outDir ?? 'out/cli'} (entry ${Math.round(size / 1024)} KB)\n`);
}
