/**
 * A stand-in for the `electron` module, for running the *built* main process
 * (out/main/index.js) in plain Node where no Electron binary can be had. It records what main
 * asks of Electron, plays the part of our page and of a foreign page, and prints one report
 * line (`ELECTRON_STUB_REPORT <json>`) once the window has loaded its URL. Test-only.
 */
import { fork } from 'node:child_process';

type Listener = (...args: unknown[]) => unknown;

const report: Record<string, unknown> = {
  ipcChannels: [] as string[],
  privilegedSchemes: [],
  protocolHandlers: [] as string[],
  externalOpens: [] as string[],
};
const appListeners = new Map<string, Listener[]>();
const ipcHandlers = new Map<string, Listener>();
let userData = '/nonexistent-default-user-data';

export const app = {
  requestSingleInstanceLock: () => ((report['singleInstanceLock'] = true), true),
  on: (event: string, listener: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), listener]),
  whenReady: () => Promise.resolve(),
  getPath: (name: string) => (name === 'userData' ? userData : `/tmp/stub-${name}`),
  setPath: (name: string, value: string) => {
    if (name === 'userData') userData = value;
    report['userData'] = value;
  },
  getVersion: () => '0.0.0-stub',
  getName: () => 'Handle Studio',
  quit: () => undefined,
  exit: (code: number) => process.exit(code),
};

export const ipcMain = {
  handle: (channel: string, handler: Listener) => {
    ipcHandlers.set(channel, handler);
    (report['ipcChannels'] as string[]).push(channel);
  },
  on: () => undefined,
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown) => (report['privilegedSchemes'] = schemes),
  handle: (scheme: string) => (report['protocolHandlers'] as string[]).push(scheme),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler: Listener) => {
      const ask = (permission: string, requestingUrl: string) => {
        let granted: unknown;
        handler(null, permission, (answer: unknown) => (granted = answer), { requestingUrl });
        return granted;
      };
      report['mediaPermissionGranted'] = ask('media', 'app://handle-studio/index.html');
      report['clipboardWriteGrantedToOurPage'] = ask('clipboard-sanitized-write', 'app://handle-studio/index.html');
      report['clipboardWriteGrantedToForeignPage'] = ask('clipboard-sanitized-write', 'https://attacker.example/');
      report['clipboardReadGranted'] = ask('clipboard-read', 'app://handle-studio/index.html');
    },
    setPermissionCheckHandler: (handler: Listener) => {
      report['permissionCheck'] = handler(null, 'notifications', 'app://handle-studio');
      report['clipboardWriteCheckForOurPage'] = handler(null, 'clipboard-sanitized-write', 'app://handle-studio');
      report['clipboardWriteCheckForForeignOrigin'] = handler(null, 'clipboard-sanitized-write', 'https://attacker.example');
    },
  },
};

/**
 * Electron's utility process, played by a Node child process running the same built file.
 * (The real one hands messages to the child through process.parentPort; a Node child gets
 * them through process.send, which the worker also speaks.)
 */
export const utilityProcess = {
  fork: (modulePath: string, args: string[] = []) => {
    const forks = (report['utilityProcessForks'] ??= []) as string[];
    forks.push(modulePath);
    const child = fork(modulePath, args, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
    return {
      postMessage: (message: unknown) => void child.send(message as object),
      on: (event: string, listener: Listener) => {
        if (event === 'message')
          child.on('message', (message) => {
            report['utilityProcessAnswers'] = Number(report['utilityProcessAnswers'] ?? 0) + 1;
            listener(message);
          });
        if (event === 'exit') child.on('exit', (code) => listener(code ?? -1));
      },
      kill: () => child.kill(),
    };
  },
};

export const net = { fetch: (input: string, init?: RequestInit) => fetch(input, init) };
export const shell = {
  openExternal: async (url: string) => void (report['externalOpens'] as string[]).push(url),
};
/** History export's save dialog: the stand-in always cancels (no file is chosen, nothing is written). */
export const dialog = { showSaveDialog: async () => ({ canceled: true, filePath: '' }) };
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

/** A web contents as main's hardening sees it: navigation and window-open attempts are replayed. */
function probeWebContents(): void {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener | undefined;
  const contents = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler: Listener) => (openHandler = handler),
  };
  for (const listener of appListeners.get('web-contents-created') ?? []) listener({}, contents);
  const prevented = (event: string, url: string) => {
    let wasPrevented = false;
    listeners.get(event)?.({ preventDefault: () => (wasPrevented = true) }, url);
    return wasPrevented;
  };
  report['navigationToForeignPagePrevented'] = prevented('will-navigate', 'https://attacker.example/');
  report['navigationWithinAppPrevented'] = prevented('will-navigate', 'app://handle-studio/index.html');
  report['webviewPrevented'] = prevented('will-attach-webview', '');
  report['windowOpenForeign'] = openHandler?.({ url: 'https://attacker.example/' });
  report['windowOpenAllowListed'] = openHandler?.({ url: 'https://learn.microsoft.com/gaming/' });
  report['windowOpenActivationUri'] = openHandler?.({ url: ACTIVATION_URI });
}

const ACTIVATION_URI = 'ms-xbl-multiplayer://inviteAccept?invitedUser=2814000000000002&sender=2814000000000001&connectionString=lobby%2B1';

/**
 * The openActivationUri channel as our page calls it: on this OS (not Windows: refused), then
 * with process.platform played as win32 for these calls only (the activation URI opens, an
 * https page and a file do not). Main's opener and core both read the OS when called.
 */
async function openActivationUris(): Promise<void> {
  const open = (uri: string) =>
    ipcHandlers.get('handle-studio:openActivationUri')?.({ senderFrame: { url: 'app://handle-studio/index.html', parent: null } }, { uri });
  report['activationOnThisOs'] = await open(ACTIVATION_URI);
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
  try {
    report['activationOnWindows'] = await open(ACTIVATION_URI);
    report['httpsOnWindows'] = await open('https://attacker.example/');
    report['fileOnWindows'] = await open('file:///C:/Windows/System32/calc.exe');
  } finally {
    Object.defineProperty(process, 'platform', platform);
  }
}

export class BrowserWindow {
  readonly webContents = { send: () => undefined };
  readonly #once = new Map<string, Listener>();

  constructor(options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    report['webPreferences'] = options.webPreferences;
    report['windowShownBeforeReady'] = options['show'] !== false;
  }

  on(): void {}
  once(event: string, listener: Listener): void {
    this.#once.set(event, listener);
  }
  maximize(): void {}
  isDestroyed(): boolean {
    return false;
  }

  async loadURL(url: string): Promise<void> {
    report['loadedUrl'] = url;
    probeWebContents();
    const call = async (channel: string, url: string, parent: unknown = null) =>
      ipcHandlers.get(channel)?.({ senderFrame: { url, parent } }, {});
    report['getAppInfoFromOurPage'] = await call('handle-studio:getAppInfo', 'app://handle-studio/index.html');
    report['getAppInfoFromForeignPage'] = await call('handle-studio:getAppInfo', 'https://attacker.example/');
    // A profile's token state asks the keychain, which main reaches through its utility process.
    const saved = (await ipcHandlers.get('handle-studio:saveProfile')?.(
      { senderFrame: { url: 'app://handle-studio/index.html', parent: null } },
      { name: 'Stub profile', environment: 'production', sandboxId: 'XDKS.1' },
    )) as { ok: boolean; value?: { id: string } } | undefined;
    report['savedProfile'] = saved;
    if (saved?.value) {
      report['tokenStateThroughKeychainHelper'] = await ipcHandlers.get('handle-studio:getTokenState')?.(
        { senderFrame: { url: 'app://handle-studio/index.html', parent: null } },
        { profileId: saved.value.id },
      );
    }
    await openActivationUris();
    setImmediate(() => {
      process.stdout.write(`ELECTRON_STUB_REPORT ${JSON.stringify(report)}\n`);
      process.exit(0);
    });
  }
}

export default { app, ipcMain, protocol, session, net, shell, dialog, screen, utilityProcess, BrowserWindow };
