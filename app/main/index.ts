/**
 * Electron main: the only code that imports `electron` at run time. It applies the security
 * checklist, builds the window, and hands Electron's real parts (net.fetch, which honours the
 * system proxy and Fiddler; electron-store; the OS keychain) to core.
 */
import { app, BrowserWindow, dialog, net } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import { systemClock } from '../core/clock.ts';
import { keychainOpener } from '../core/credentials/keychain-vault.ts';
import { PRODUCT_NAME } from '../core/data-dir.ts';
import { createHandleStudio, type HandleStudio } from '../core/handle-studio.ts';
import { hardenWebContents, openActivationUri, openSignInPage } from './hardening.ts';
import { forwardEvents, registerChannels } from './ipc.ts';
import { startKeychainUtilityProcess } from './keychain-helper.ts';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol.ts';
import { restoreWindowBounds, trackWindowBounds } from './window-state.ts';

// Tests and power users point the whole app at another folder; Electron then keeps its own
// files (cache, cookies) there too, so nothing of a run leaks into the real profile.
const dataDirOverride = process.env['HANDLE_STUDIO_DATA_DIR']?.trim();
if (dataDirOverride) app.setPath('userData', dataDirOverride);

registerAppScheme();

let mainWindow: BrowserWindow | null = null;
let studio: HandleStudio | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('Handle Studio could not start:', error instanceof Error ? error.message : error);
      app.exit(1);
    });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void studio?.close());
}

async function start(): Promise<void> {
  hardenWebContents();
  serveRenderer(join(import.meta.dirname, '../renderer'));

  const dataDir = app.getPath('userData');
  const settings = new Store({ name: 'window', cwd: dataDir });
  studio = await createHandleStudio({
    dataDir,
    shell: 'electron',
    version: app.getVersion(),
    fetch: (input, init) => net.fetch(input.toString(), init),
    clock: systemClock,
    openBrowser: openSignInPage,
    openActivationUri,
    openKeychain: keychainOpener({ service: PRODUCT_NAME, startHelper: startKeychainUtilityProcess }),
    // electron-store is Conf with Electron's defaults; it names the file with `name`, not `configName`.
    openProfilesBackingStore: (options) =>
      new Store({ cwd: options.cwd, name: options.configName, clearInvalidConfig: options.clearInvalidConfig }),
    presetFileSource: { path: join(dataDir, 'presets.json'), open: () => new Store({ cwd: dataDir, name: 'presets' }) },
    // History exports: the user picks the file here and core streams into it (the text never crosses to the page).
    exportDestination: {
      kind: 'file',
      choose: async (suggestedName, format) => {
        const options = {
          defaultPath: join(app.getPath('downloads'), suggestedName),
          filters: [format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] }],
        };
        const chosen = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return chosen.canceled || !chosen.filePath ? undefined : chosen.filePath;
      },
    },
  });
  registerChannels(studio.dispatch);

  const { maximized, ...bounds } = restoreWindowBounds(settings);
  mainWindow = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Handle Studio',
    backgroundColor: '#15171c',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click must not open links in new windows behind the window-open handler's back.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (maximized) mainWindow.maximize();
  trackWindowBounds(mainWindow, settings);
  const stopForwarding = forwardEvents(mainWindow, studio.events.subscribe);
  mainWindow.on('closed', () => {
    stopForwarding();
    mainWindow = null;
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  await mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}
