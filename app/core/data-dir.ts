/**
 * Where everything the app stores lives. One folder, the same for the Electron app, browser
 * mode and the CLI, so a preset saved in one is there in the others:
 * `HANDLE_STUDIO_DATA_DIR` when set (every test sets a fresh one), else Electron's user data
 * folder for the product name on this OS.
 */
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HandleStudioError } from '../shared/errors.ts';
import { asStorageError } from './storage/storage-errors.ts';

export const PRODUCT_NAME = 'Handle Studio';

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env['HANDLE_STUDIO_DATA_DIR']?.trim();
  if (override) return override;
  return join(userDataRoot(env, platform), PRODUCT_NAME);
}

/** The same roots Electron's `app.getPath('appData')` uses, so both front doors agree. */
function userDataRoot(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'win32') return env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  return env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config');
}

/**
 * Creates the data folder if needed. A file where the folder should be, or a folder that
 * cannot be created, is a STORAGE error that names the folder and the fix.
 */
export function ensureDataDir(dataDir: string): void {
  const place = { what: 'data', path: dataDir, folder: dataDir };
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    // mkdir answers EEXIST when a file holds the folder's own name.
    if ((error as { code?: string } | null)?.code === 'EEXIST' && !statSync(dataDir).isDirectory()) {
      throw new HandleStudioError(
        'STORAGE',
        `The data folder ${dataDir} is a file, not a folder: move that file away, or set HANDLE_STUDIO_DATA_DIR to a folder.`,
        { path: dataDir, fault: 'not-a-folder' },
      );
    }
    throw asStorageError(error, place);
  }
}
