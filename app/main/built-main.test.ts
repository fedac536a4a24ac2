/**
 * The built Electron main process (out/main/index.js, as electron-builder packs it) run in
 * plain Node with a stand-in for the `electron` module: no Electron binary can be downloaded
 * on CI, but this still proves the bundle loads, wires every contract channel, and applies
 * the security settings, with core really started on a temporary data folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { channelNames, ipcChannel } from '../shared/contract/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = join(root, 'out', 'main', 'index.js');
const dataDir = mkdtempSync(join(tmpdir(), 'handle-studio-built-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(!existsSync(built))('built main process (out/main/index.js; skipped until `npm run build` has made it)', () => {
  const run = spawnSync(process.execPath, ['--import', join(root, 'app/main/electron-hooks.fixture.ts'), built], {
    cwd: root,
    env: { ...process.env, HANDLE_STUDIO_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = run.stdout.split('\n').find((candidate) => candidate.startsWith('ELECTRON_STUB_REPORT '));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stub's report: each test reads the fields it checks
  const report = line === undefined ? undefined : (JSON.parse(line.slice('ELECTRON_STUB_REPORT '.length)) as Record<string, any>);

  it('starts and loads our page from the app:// scheme', () => {
    expect(report, `no report; stderr: ${run.stderr}`).toBeDefined();
    expect(report!['loadedUrl']).toBe('app://handle-studio/index.html');
    expect(report!['protocolHandlers']).toEqual(['app']);
    expect(report!['privilegedSchemes']).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(report!['singleInstanceLock']).toBe(true);
    expect(report!['userData']).toBe(dataDir);
    expect(report!['windowShownBeforeReady']).toBe(false);
  });

  it("creates the window with Electron's security checklist applied", () => {
    expect(report!['webPreferences']).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(report!['webPreferences'].preload).toMatch(/out[\\/]preload[\\/]index\.cjs$/);
  });

  it('denies permissions (but lets our own page write text to the clipboard), foreign navigation, webviews and new windows', () => {
    expect(report!['mediaPermissionGranted']).toBe(false);
    expect(report!['permissionCheck']).toBe(false);
    expect(report!['clipboardReadGranted']).toBe(false);
    expect(report!['clipboardWriteGrantedToOurPage']).toBe(true);
    expect(report!['clipboardWriteCheckForOurPage']).toBe(true);
    expect(report!['clipboardWriteGrantedToForeignPage']).toBe(false);
    expect(report!['clipboardWriteCheckForForeignOrigin']).toBe(false);
    expect(report!['navigationToForeignPagePrevented']).toBe(true);
    expect(report!['navigationWithinAppPrevented']).toBe(false);
    expect(report!['webviewPrevented']).toBe(true);
    expect(report!['windowOpenForeign']).toEqual({ action: 'deny' });
    expect(report!['windowOpenAllowListed']).toEqual({ action: 'deny' });
    expect(report!['externalOpens'][0]).toBe('https://learn.microsoft.com/gaming/');
  });

  it('opens an activation URI only through the openActivationUri channel, only on Windows, and nothing but ms-xbl activation URIs', () => {
    // The window-open handler (what window.open reached before) refuses the custom scheme and opens nothing.
    expect(report!['windowOpenActivationUri']).toEqual({ action: 'deny' });
    expect(report!['activationOnThisOs']).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: /only on Windows/ } });
    expect(report!['activationOnWindows']).toEqual({ ok: true, value: { opened: true } });
    expect(report!['httpsOnWindows']).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: /Only activation URIs/ } });
    expect(report!['fileOnWindows']).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // The allow-listed https link of the window-open probe, then the one activation URI: nothing else reached the OS.
    expect(report!['externalOpens']).toEqual([
      'https://learn.microsoft.com/gaming/',
      'ms-xbl-multiplayer://inviteAccept?invitedUser=2814000000000002&sender=2814000000000001&connectionString=lobby%2B1',
    ]);
  });

  it('answers every contract channel for our page only, with core running on the data folder', () => {
    expect([...report!['ipcChannels']].sort()).toEqual(channelNames.map(ipcChannel).sort());
    expect(report!['getAppInfoFromOurPage']).toMatchObject({ ok: true, value: { shell: 'electron', dataDir, version: '0.0.0-stub' } });
    expect(report!['getAppInfoFromForeignPage']).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('reaches the keychain only through the bundled helper in a utility process, which answers', () => {
    // Electron's utilityProcess is played by a Node child here (no Electron binary), running the same built file.
    const forks = report!['utilityProcessForks'] as string[];
    expect(forks.length).toBeGreaterThan(0);
    for (const path of forks) expect(path).toBe(join(root, 'out', 'main', 'keychain-worker.js'));
    expect(report!['utilityProcessAnswers']).toBeGreaterThan(0);
    // With or without a Secret Service where the test runs, the answer is a state, never a crash.
    expect(report!['tokenStateThroughKeychainHelper']).toMatchObject({ ok: true });
    expect(['none', 'keychain-unavailable']).toContain(report!['tokenStateThroughKeychainHelper'].value.state);
  });
});
