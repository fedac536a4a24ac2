/**
 * How code that runs in Node or Electron main is bundled, shared by scripts/build-cli.ts (the
 * CLI) and electron.vite.config.ts (out/main), so bench/core-start.ts measures what both ship.
 * A file of its own so the Electron build's configuration can read it without loading the CLI's
 * build script.
 */

/**
 * Packages bundled in with our code rather than left in node_modules: pure JavaScript that core
 * loads at every start. Left out, Node resolves, reads and links each of their files one by one
 * through its ESM loader (zod: a third of core's start-up; issue 12). The other packages stay
 * in node_modules: keytar is native, and msal-node and conf load only when a command needs them.
 */
export const BUNDLED_PACKAGES: readonly string[] = ['zod'];

/** Whether `id` (an import specifier) names one of BUNDLED_PACKAGES or a path inside one. */
export function isBundledPackage(id: string): boolean {
  return BUNDLED_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
}

/**
 * The bundles are minified (rolldown's `output.minify`): Node reads and decodes the whole file
 * at every start, even with its compile cache warm, and half the bytes is less of both. ASCII
 * only, because a single other character (an ellipsis in a message) makes Node decode the whole
 * file as two-byte text. Names are kept (no mangling): a stack trace from a crash still names
 * the functions it went through.
 */
export const NODE_BUNDLE_MINIFY = { compress: true, mangle: false, codegen: { asciiOnly: true } } as const;
