// Whether the CLI's prebuilt bundle (out/cli, made by scripts/build-cli.ts) may run. Plain
// JavaScript with no dependencies: the bin imports it on every start, before anything else.
import { readFileSync, statSync } from 'node:fs';

/** Written by the build beside the bundle: the entry and every source file it was built from. */
export const INPUTS_FILE = 'inputs.json';

/**
 * The URL of the bundle's entry in `folder` when every source it was built from still has the
 * size and modification time recorded at build time; undefined when one differs, is gone, or
 * there is no bundle. Costs one stat per source file (~140), far less than stripping them.
 */
export function upToDateBundle(folder) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL(INPUTS_FILE, folder), 'utf8'));
  } catch {
    return undefined;
  }
  for (const [path, size, mtimeMs] of manifest.inputs) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined || stats.size !== size || stats.mtimeMs !== mtimeMs) return undefined;
  }
  return new URL(manifest.entry, folder).href;
}
