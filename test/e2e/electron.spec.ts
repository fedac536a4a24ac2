/**
 * The Compose slice in the real Electron app (package.json's main, out/main/index.js): same UI, but core reached
 * through the preload's window.api instead of browser mode's HTTP bridge.
 */
import { _electron as electron } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addLocalProfile, test } from './fixtures.ts';
import { setActivityThroughCompose } from './flows.ts';
import { root } from './processes.ts';

const electronDist = join(root, 'node_modules', 'electron', 'dist');

// CI downloads Electron first and says so (HANDLE_STUDIO_E2E_ELECTRON=required): a missing
// runtime there is a failure, never a quiet skip.
test.skip(
  !existsSync(electronDist) && process.env['HANDLE_STUDIO_E2E_ELECTRON'] !== 'required',
  'Electron cannot be downloaded on this machine; runs on developer PCs and in CI',
);

test('sets an activity through the Electron app', async ({ dataDir, mpsd }) => {
  const app = await electron.launch({
    // The project folder, so Electron reads package.json (its `main` and version) as the packaged app does.
    args: [root],
    cwd: root,
    env: { ...process.env, HANDLE_STUDIO_DATA_DIR: dataDir } as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    const user = mpsd.users[0]!;
    await addLocalProfile(page, mpsd, user);
    await setActivityThroughCompose(page, mpsd, user);
  } finally {
    await app.close();
  }
});
