/**
 * Packages bundled in with our code rather than left in node_modules, by scripts/build-cli.ts
 * (the CLI) and electron.vite.config.ts (out/main): pure JavaScript that core loads at every
 * start. Left out, Node resolves, reads and links each of their files one by one through its
 * ESM loader (zod: about 40 files, a third of core's start-up; issue 12). The other packages stay
 * in node_modules: keytar is native, and msal-node and conf load only when a command needs them.
 *
 * A file of its own so the Electron build's configuration can read it without loading the CLI's
 * build script.
 */
export const BUNDLED_PACKAGES: readonly string[] = ['zod'];

/** Whether `id` (an import specifier) names one of BUNDLED_PACKAGES or a path inside one. */
export function isBundledPackage(id: string): boolean {
  return BUNDLED_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
}
