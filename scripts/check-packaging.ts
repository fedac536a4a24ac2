/**
 * `node scripts/check-packaging.ts` (after `npm run build`): proves electron-builder.yml
 * produces the package we mean to ship, without downloading Electron.
 *
 *  (a) the configuration passes electron-builder's own schema validation;
 *  (b) a Linux unpacked directory is packed against a stub Electron distribution;
 *  (c) that package's app.asar holds the built app and nothing else of ours, native
 *      modules sit in app.asar.unpacked, and the fuses in the binary are the ones configured.
 *
 * Prints one PASS/FAIL line per assertion and `N passed, N failed` last; exits 1 on any failure.
 * `--keep` leaves the packed directory in place and prints where it is.
 */
import { Arch, build, Platform, type Configuration } from 'electron-builder';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** One checked statement about the package, printed as a PASS or FAIL line. */
export interface PackagingAssertion {
  name: string;
  ok: boolean;
  detail?: string;
}

interface AsarEntry {
  files?: Record<string, AsarEntry>;
  unpacked?: boolean;
}
interface AsarModule {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
  getRawHeader(archive: string): { header: AsarEntry };
  uncacheAll(): void;
}
interface FusesModule {
  getCurrentFuseWire(binary: string): Promise<Record<string, number | string>>;
  FuseV1Options: Record<string, number>;
}
interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}

const PROJECT_DIR = resolve(import.meta.dirname, '..');

// @electron/asar, @electron/fuses and the config loader are electron-builder's own
// dependencies (not ours): resolve them from where electron-builder's app-builder-lib lives,
// so we always use the exact copies that produced the package.
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const asar = requireFromBuilder('@electron/asar') as AsarModule;
const fuses = requireFromBuilder('@electron/fuses') as FusesModule;
const builderConfig = requireFromBuilder('./out/util/config/config.js') as ConfigModule;
const builderSchema = requireFromBuilder('./scheme.json') as object;
const builderAjv = requireFromBuilder('ajv') as {
  default: new (options: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: SchemaError[] | null } };
};

/** The built files `npm run build` must have produced before packing makes sense. */
export const BUILT_ENTRY_POINTS = [
  'out/main/index.js',
  'out/main/keychain-worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
] as const;

/**
 * Loads the project's electron-builder configuration the way electron-builder does
 * (electron-builder.yml, or package.json "build", plus `extends`) and runs its schema check.
 */
export async function validateBuilderConfig(projectDir: string): Promise<PackagingAssertion> {
  const name = "electron-builder.yml matches electron-builder's configuration schema";
  let config: Configuration;
  try {
    config = await builderConfig.getConfig(projectDir, null, null);
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `electron-builder could not load its configuration: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    // electron-builder's own verdict, so we accept exactly what it accepts...
    await builderConfig.validateConfiguration(structuredClone(config), { isEnabled: false, add: () => undefined });
    return { name, ok: true };
  } catch (error) {
    // ...but its message collapses an unknown nested option into "should be one of: null";
    // the schema's own errors name the option.
    const precise = describeSchemaErrors(config);
    const summary = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      name,
      ok: false,
      detail: precise.length > 0 ? `${summary}\n${precise.join('\n')}` : String(error instanceof Error ? error.message : error),
    };
  }
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: { additionalProperty?: string; type?: string; allowedValues?: unknown[] };
}

/**
 * One line per real problem, from ajv run over electron-builder's scheme.json with the
 * options electron-builder uses. Drops the "or null" branch and anyOf summaries, which only
 * restate that a nested object did not validate.
 */
export function describeSchemaErrors(config: Configuration): string[] {
  const ajv = new builderAjv.default({ allErrors: true, coerceTypes: true, strict: false });
  const validate = ajv.compile(builderSchema);
  if (validate(structuredClone(config))) return [];
  const lines = (validate.errors ?? [])
    .filter(
      (error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf' && !(error.keyword === 'type' && error.params.type === 'null'),
    )
    .map((error) => {
      const at = `configuration${error.instancePath.replaceAll('/', '.')}`;
      if (error.keyword === 'additionalProperties')
        return `${at}: unknown option "${error.params.additionalProperty}" (check its spelling and whether it belongs at this level).`;
      if (error.keyword === 'enum') return `${at}: ${error.message ?? 'invalid value'}: ${JSON.stringify(error.params.allowedValues)}.`;
      return `${at}: ${error.message ?? error.keyword}.`;
    });
  return [...new Set(lines)];
}

/**
 * Files the configuration points at (icons, entitlements) must exist and be what their
 * platform expects, or the Windows and macOS builds fail on machines we cannot test here.
 */
export function checkReferencedResources(projectDir: string): PackagingAssertion[] {
  const regenerate = 'regenerate the icons with "node build/make-icons.ts"';
  const file = (path: string): Buffer | null => {
    try {
      return readFileSync(join(projectDir, path));
    } catch {
      return null;
    }
  };
  const check = (name: string, path: string, problem: (bytes: Buffer) => string | null): PackagingAssertion => {
    const bytes = file(path);
    const wrong = bytes === null ? `${path} is missing; electron-builder.yml refers to it` : problem(bytes);
    return wrong === null ? { name, ok: true } : { name, ok: false, detail: wrong };
  };
  return [
    check('build/icon.png is a PNG of at least 512x512', 'build/icon.png', (bytes) => {
      const size = pngSize(bytes);
      return size && size.width >= 512 && size.height >= 512 ? null : `build/icon.png is not a PNG of 512x512 or more; ${regenerate}.`;
    }),
    check('build/icons/ holds the Linux sizes up to 512x512', 'build/icons/512x512.png', (bytes) =>
      pngSize(bytes)?.width === 512 ? null : `build/icons/512x512.png is not a 512 px PNG; ${regenerate}.`,
    ),
    check('build/icon.ico is a Windows icon with a 256 px image', 'build/icon.ico', (bytes) => {
      const count = bytes.length >= 6 && bytes.readUInt16LE(0) === 0 && bytes.readUInt16LE(2) === 1 ? bytes.readUInt16LE(4) : 0;
      // In an ICO directory entry a width byte of 0 means 256 px.
      const has256 = Array.from({ length: count }, (_, index) => bytes[6 + index * 16]).includes(0);
      return count > 0 && has256 ? null : `build/icon.ico is not an icon file with a 256 px entry; ${regenerate}.`;
    }),
    check('build/icon.icns is a macOS icon with 512 and 1024 px images', 'build/icon.icns', (bytes) => {
      if (bytes.length < 8 || bytes.toString('ascii', 0, 4) !== 'icns' || bytes.readUInt32BE(4) !== bytes.length) {
        return `build/icon.icns does not start with a valid icns header; ${regenerate}.`;
      }
      const types = new Set<string>();
      for (let offset = 8; offset + 8 <= bytes.length; offset += Math.max(8, bytes.readUInt32BE(offset + 4)))
        types.add(bytes.toString('ascii', offset, offset + 4));
      const missing = ['ic09', 'ic10'].filter((type) => !types.has(type));
      return missing.length === 0 ? null : `build/icon.icns lacks ${missing.join(' and ')} (512 and 1024 px); ${regenerate}.`;
    }),
    check('build/entitlements.mac.plist grants the JIT entitlement Electron needs', 'build/entitlements.mac.plist', (bytes) =>
      /<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/.test(bytes.toString('utf8'))
        ? null
        : 'build/entitlements.mac.plist must set com.apple.security.cs.allow-jit to true, or V8 cannot run under the hardened runtime.',
    ),
  ];
}

/** Width and height from a PNG's IHDR chunk, or null if `bytes` is not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

// Electron's fuse wire as shipped (before electron-builder flips it): sentinel, wire
// version 1, wire length 8, then one '0'/'1' per fuse in FuseV1Options order. Electron's
// defaults: runAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar
// integrity off, only-asar off, browser V8 snapshot off, file:// privileges on.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_DEFAULT_FUSES = '10110001';
const FUSE_ON = '1'.charCodeAt(0);
const FUSE_OFF = '0'.charCodeAt(0);

/**
 * Writes a folder shaped like an unpacked Linux Electron build, enough for electron-builder's
 * "custom unpacked Electron distribution" path: an `electron` executable (a shell script
 * that refuses to run, carrying Electron's real fuse wire so the fuse flipping is exercised
 * for real), `version`, the licence files it moves, `locales/` and an empty `resources/`.
 * default_app.asar is left out on purpose: electron-builder only deletes it from Electron
 * archives it downloaded itself, and the app never needs it.
 */
export function createStubElectron(dir: string, electronVersion: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'ascii'),
    Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
    Buffer.from(ELECTRON_DEFAULT_FUSES, 'ascii'),
  ]);
  const script = Buffer.from('#!/bin/sh\necho "This is a stub Electron used only to check packaging." >&2\nexit 1\n# ', 'utf8');
  writeFileSync(join(dir, 'electron'), Buffer.concat([script, wire, Buffer.from('\n')]), { mode: 0o755 });
  writeFileSync(join(dir, 'version'), `${electronVersion}\n`);
  writeFileSync(join(dir, 'LICENSE'), 'Stub Electron licence placeholder for packaging checks.\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>Stub</title>\n');
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
  return dir;
}

/** Packs `linux-unpacked` into `outputDir` with electron-builder's JS API; returns the app folder. */
export async function packLinuxDir(options: { projectDir: string; electronDist: string; outputDir: string }): Promise<string> {
  await build({
    projectDir: options.projectDir,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    // Merged over electron-builder.yml: only where Electron comes from and where the output goes.
    config: { electronDist: options.electronDist, directories: { output: options.outputDir } },
  });
  return join(options.outputDir, 'linux-unpacked');
}

/** Every path in the archive header whose entry is a file, with its `unpacked` flag. */
function archiveFiles(archive: string): Map<string, boolean> {
  const files = new Map<string, boolean>();
  const walk = (entry: AsarEntry, prefix: string) => {
    for (const [name, child] of Object.entries(entry.files ?? {})) {
      const path = `${prefix}/${name}`;
      if (child.files) walk(child, path);
      else files.set(path, child.unpacked === true);
    }
  };
  walk(asar.getRawHeader(archive).header, '');
  return files;
}

/**
 * The packages the built main process imports (static and dynamic imports, quoted any way a
 * minifier writes them), Node's builtins and Electron aside.
 */
function packagesImportedByMain(archive: string, paths: string[]): string[] {
  const names = new Set<string>();
  for (const path of paths.filter((candidate) => candidate.startsWith('/out/main/') && candidate.endsWith('.js'))) {
    const code = asar.extractFile(archive, path.slice(1)).toString('utf8');
    for (const [, specifier = ''] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["'`]([^"'`./][^"'`]*)["'`]/g)) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
      if (!name.startsWith('node:') && !builtinModules.includes(name) && name !== 'electron') names.add(name);
    }
  }
  return [...names].sort();
}

function listOrNone(paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}

/**
 * Inspects a packed Linux app folder (`resources/app.asar`, `resources/app.asar.unpacked`,
 * the executable) and states what must and must not be in it.
 */
export async function inspectPackage(
  appOutDir: string,
  options: { executableName: string; devDependencies: string[]; expectedFuses?: Configuration['electronFuses'] },
): Promise<PackagingAssertion[]> {
  const archive = join(appOutDir, 'resources', 'app.asar');
  if (!existsSync(archive)) {
    return [
      { name: 'resources/app.asar exists', ok: false, detail: `No archive at ${archive}; check "asar: true" in electron-builder.yml.` },
    ];
  }
  asar.uncacheAll(); // the same archive path may have been read before it was rewritten
  const files = archiveFiles(archive);
  const paths = [...files.keys()];
  const results: PackagingAssertion[] = [];
  const expect = (name: string, ok: boolean, detail: string) => results.push(ok ? { name, ok } : { name, ok, detail });

  for (const entry of [...BUILT_ENTRY_POINTS, 'package.json']) {
    expect(
      `app.asar holds ${entry}`,
      files.has(`/${entry}`),
      `/${entry} is missing from app.asar; run "npm run build" and check "files" in electron-builder.yml.`,
    );
  }
  if (files.has('/package.json')) {
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main?: string };
    const main = (manifest.main ?? 'index.js').replace(/^\.\//, '');
    expect(
      `package.json "main" (${main}) is inside app.asar`,
      files.has(`/${main}`),
      `Electron starts from "main"; ${main} is not in the archive.`,
    );
  }

  const ours = paths.filter((path) => !path.startsWith('/node_modules/'));
  const sources = ours.filter(
    (path) => /^\/(app|renderer|scripts|test|bench|bin|build|docs)\//.test(path) || /\.(ts|mts|cts|svelte)$/.test(path),
  );
  expect(
    'app.asar holds no source folders or TypeScript/Svelte sources',
    sources.length === 0,
    `Found ${listOrNone(sources)}; exclude them in "files".`,
  );
  const tests = paths.filter((path) => /\.(test|spec)\.[cm]?[jt]s$/.test(path) || /\/(__tests__|tests?)\//.test(path));
  expect('app.asar holds no test files', tests.length === 0, `Found ${listOrNone(tests)}; exclude them in "files".`);
  const maps = paths.filter((path) => path.endsWith('.map'));
  expect('app.asar holds no source maps', maps.length === 0, `Found ${listOrNone(maps)}; exclude "**/*.map" in "files".`);
  const unexpected = ours.filter((path) => path !== '/package.json' && !path.startsWith('/out/'));
  expect('outside node_modules, app.asar holds only package.json and out/', unexpected.length === 0, `Found ${listOrNone(unexpected)}.`);

  // conf is loaded through createRequire (core/storage/conf-file.ts), which the import scan below does not see.
  for (const dependency of ['conf', 'electron-store', '@azure/msal-node']) {
    expect(
      `runtime dependency ${dependency} is packaged`,
      files.has(`/node_modules/${dependency}/package.json`),
      `node_modules/${dependency} is missing; is it in package.json "dependencies"?`,
    );
  }
  // zod is bundled into out/main (scripts/node-bundle-options.ts) and is a devDependency: put
  // back in node_modules by the build, the packaged app would fail at its first import of it.
  const imported = packagesImportedByMain(archive, paths);
  const missing = imported.filter((name) => !files.has(`/node_modules/${name}/package.json`));
  expect(
    'every package out/main imports is packaged',
    missing.length === 0,
    `out/main imports ${missing.join(', ')}, which app.asar lacks: add it to package.json "dependencies", or bundle it (scripts/node-bundle-options.ts).`,
  );
  const devOnly = options.devDependencies.filter((name) => files.has(`/node_modules/${name}/package.json`));
  expect(
    'no devDependencies are packaged',
    devOnly.length === 0,
    `Found ${devOnly.join(', ')}; something in "dependencies" pulls them in, or "files" includes them.`,
  );

  const keytarBinary = join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release', 'keytar.node');
  expect(
    'keytar.node sits in app.asar.unpacked',
    existsSync(keytarBinary),
    `${keytarBinary} is missing; add it to "asarUnpack" (native modules cannot load from inside an asar).`,
  );
  const packedNative = [...files].filter(([path, unpacked]) => path.endsWith('.node') && !unpacked).map(([path]) => path);
  expect(
    'no native .node module is left inside app.asar',
    packedNative.length === 0,
    `Found ${listOrNone(packedNative)} packed; add them to "asarUnpack".`,
  );

  if (options.expectedFuses) results.push(...(await checkFuses(join(appOutDir, options.executableName), options.expectedFuses)));
  return results;
}

/** Reads the fuse wire from the packed executable and compares it with the configured fuses. */
async function checkFuses(executable: string, expected: NonNullable<Configuration['electronFuses']>): Promise<PackagingAssertion[]> {
  let wire: Record<string, number | string>;
  try {
    wire = await fuses.getCurrentFuseWire(executable);
  } catch (error) {
    return [
      { name: 'fuse wire readable in the packed executable', ok: false, detail: error instanceof Error ? error.message : String(error) },
    ];
  }
  return Object.entries(expected)
    .filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean' && entry[0] !== 'resetAdHocDarwinSignature')
    .map(([option, wanted]) => {
      const index = fuses.FuseV1Options[option.charAt(0).toUpperCase() + option.slice(1)];
      const actual = index === undefined ? undefined : wire[String(index)];
      const want = wanted ? FUSE_ON : FUSE_OFF;
      const name = `fuse ${option} is ${wanted ? 'enabled' : 'disabled'} in the packed executable`;
      return actual === want
        ? { name, ok: true }
        : {
            name,
            ok: false,
            detail: `The wire holds ${String(actual)} (${FUSE_OFF} = off, ${FUSE_ON} = on); electron-builder did not flip it.`,
          };
    });
}

// A pack of this app takes seconds; minutes means electron-builder is stuck (e.g. waiting on
// a download it should not need).
const PACK_TIMEOUT_MS = 5 * 60_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`${what} did not finish within ${ms / 60_000} minutes; run with DEBUG=electron-builder to see where it stops.`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// Straight to stdout: electron-builder swaps console.log for its own logger while it writes
// the asar, and leaves it swapped when that step fails.
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printAssertion({ name, ok, detail }: PackagingAssertion): void {
  say(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `\n     ${detail.replaceAll('\n', '\n     ')}` : ''}`);
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const results: PackagingAssertion[] = [];
  const record = (assertion: PackagingAssertion) => {
    results.push(assertion);
    printAssertion(assertion);
  };

  record(await validateBuilderConfig(PROJECT_DIR));
  checkReferencedResources(PROJECT_DIR).forEach(record);
  const missing = BUILT_ENTRY_POINTS.filter((file) => !existsSync(join(PROJECT_DIR, file)));
  record(
    missing.length === 0
      ? { name: 'npm run build output is present', ok: true }
      : { name: 'npm run build output is present', ok: false, detail: `Missing ${missing.join(', ')}: run "npm run build" first.` },
  );

  if (results.every((result) => result.ok)) {
    const workDir = mkdtempSync(join(tmpdir(), 'handle-studio-pack-'));
    try {
      const electronVersion = (
        JSON.parse(readFileSync(join(PROJECT_DIR, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
      ).version;
      const manifest = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
      const devDependencies = Object.keys(manifest.devDependencies ?? {});
      const electronDist = createStubElectron(join(workDir, 'electron-stub'), electronVersion);
      say(
        `Packing linux-unpacked against a stub Electron ${electronVersion} (no download; the stub carries Electron's fuse wire so fuses are flipped for real).`,
      );
      const config = await builderConfig.getConfig(PROJECT_DIR, null, null);
      let appOutDir: string | null = null;
      try {
        appOutDir = await withTimeout(
          packLinuxDir({ projectDir: PROJECT_DIR, electronDist, outputDir: join(workDir, 'dist') }),
          PACK_TIMEOUT_MS,
          'electron-builder',
        );
        record({ name: 'electron-builder packed linux-unpacked with the stub Electron', ok: true });
      } catch (error) {
        record({
          name: 'electron-builder packed linux-unpacked with the stub Electron',
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
        });
      }
      if (appOutDir) {
        const executableName = config.linux?.executableName ?? 'handle-studio';
        try {
          (await inspectPackage(appOutDir, { executableName, devDependencies, expectedFuses: config.electronFuses })).forEach(record);
        } catch (error) {
          record({ name: 'the packed app could be inspected', ok: false, detail: error instanceof Error ? error.message : String(error) });
        }
      }
    } catch (error) {
      record({ name: 'the stub pack could be prepared', ok: false, detail: error instanceof Error ? error.message : String(error) });
    } finally {
      if (keep) say(`Kept the packed app in ${workDir}`);
      else rmSync(workDir, { recursive: true, force: true });
    }
  } else {
    say('Skipping the pack: fix the failures above first.');
  }

  const failed = results.filter((result) => !result.ok).length;
  say(`${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// Exit explicitly: after a timeout, electron-builder's stuck work would keep the process alive.
if (import.meta.main) process.exit(await main());
