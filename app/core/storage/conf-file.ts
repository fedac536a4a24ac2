/**
 * profiles.json and presets.json as conf files, without loading conf to read them. Loading
 * conf (with ajv, semver and the rest, about 170 files) cost about 200 ms of CPU on every
 * start of core, the CLI's included (issue 12, goal 5), while reading the file is one
 * JSON.parse. So a read parses the file here, the way conf does for our options (no schema,
 * no encryption, no migrations: a byte order mark skipped, a missing file an empty store),
 * and conf is loaded for the first write, which it makes atomic (a temp file, then a rename).
 * From then on conf reads too, so a write and the reads after it go through one place.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Conf from 'conf';

/** The part of conf (and electron-store) the profile and preset stores use: the whole document. */
export interface ConfFile {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface ConfFileOptions {
  cwd: string;
  configName: string;
  clearInvalidConfig: false;
}

/** conf, loaded when first needed. Synchronous, as the stores' writes are: Node 24 requires ES modules. */
function loadConf(): typeof Conf {
  return (createRequire(import.meta.url)('conf') as { default: typeof Conf }).default;
}

export function lazyConfFile(options: ConfFileOptions): ConfFile {
  const path = join(options.cwd, `${options.configName}.json`);
  let conf: Conf<Record<string, unknown>> | undefined;
  return {
    path,
    get store() {
      if (conf) return conf.store;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw error;
      }
      try {
        return JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
      } catch {
        // conf's words: JSON.parse's own quote the file, and the file is not for logs.
        throw new SyntaxError(`The config file \`${path}\` is not valid JSON.`);
      }
    },
    set store(value) {
      conf ??= new (loadConf())<Record<string, unknown>>(options);
      conf.store = value;
    },
  };
}
