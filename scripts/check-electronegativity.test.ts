import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPTED_FINDINGS, electronSideFiles, judge, scan, toSarif, type SarifLog } from './check-electronegativity.ts';

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'check-electronegativity-test-'));
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), content);
  }
}

const PAGE =
  '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'"></head><body></body></html>\n';

/** An Electron side in the shape of ours, with `webPreferences` and the preload chosen by the test. */
function electronSide(webPreferences: string, preloadSource = "contextBridge.exposeInMainWorld('api', api);\n"): void {
  const main = [
    "import { BrowserWindow } from 'electron';",
    "import { join } from 'node:path';",
    'let mainWindow = null;',
    'export function open() {',
    '  mainWindow = new BrowserWindow({',
    '    webPreferences: {',
    "      preload: join(import.meta.dirname, '../preload/index.cjs'),",
    webPreferences,
    '    },',
    '  });',
    '}',
  ].join('\n');
  const hardening = [
    "import { app, session, shell } from 'electron';",
    "const APP_ORIGIN = 'app://handle-studio';",
    'session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));',
    "app.on('web-contents-created', (_event, contents) => {",
    "  contents.on('will-navigate', (event, url) => { if (!url.startsWith(APP_ORIGIN)) event.preventDefault(); });",
    '  contents.setWindowOpenHandler(({ url }) => {',
    '    if (isAllowedExternalLink(url)) void shell.openExternal(url);',
    "    return { action: 'deny' };",
    '  });',
    '});',
  ].join('\n');
  write({
    'app/main/index.ts': `${main}\n`,
    'app/main/hardening.ts': `${hardening}\n`,
    'app/main/hardening.test.ts': "import { shell } from 'electron';\nshell.openExternal(process.argv[2]);\n",
    'app/preload/index.ts': preloadSource,
    'out/renderer/index.html': PAGE,
    'out/main/index.js': 'class Bundled { #unreadable = 1; }\n',
  });
}

const HARDENED =
  "      contextIsolation: true,\n      sandbox: true,\n      nodeIntegration: false,\n      disableBlinkFeatures: 'Auxclick',";

async function verdictFor() {
  const result = await scan(project, '45.5.0');
  return judge(toSarif(result, ACCEPTED_FINDINGS, project, 'test'));
}

describe('electronSideFiles', () => {
  it('takes the main and preload sources without tests, and the built page, but no bundles', () => {
    electronSide(HARDENED);
    expect(electronSideFiles(project)).toEqual([
      'app/main/hardening.ts',
      'app/main/index.ts',
      'app/preload/index.ts',
      'out/renderer/index.html',
    ]);
  });
});

describe('scan and judge on a real Electronegativity run', () => {
  it('passes a hardened Electron side, accepting the guarded openExternal and our preload', async () => {
    electronSide(HARDENED);
    const verdict = await verdictFor();
    expect(verdict.failures).toEqual([]);
    expect(verdict.failed).toBe(0);
    expect(verdict.passed).toBeGreaterThan(30);
    // Electronegativity reports in the order its checks finish, which varies from run to run.
    expect(verdict.accepted.map((line) => line.split(' ')[0]).sort()).toEqual(['OPEN_EXTERNAL_JS_CHECK', 'PRELOAD_JS_CHECK']);
  });

  it('fails a window without context isolation or sandbox, naming rule, file and line', async () => {
    electronSide(
      "      contextIsolation: false,\n      sandbox: false,\n      nodeIntegration: true,\n      disableBlinkFeatures: 'Auxclick',",
    );
    const verdict = await verdictFor();
    const rules = verdict.failures.map((line) => line.split(' ')[0]);
    // The preload is no longer accepted either: its justification needs isolation and the sandbox.
    expect(rules).toEqual(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'PRELOAD_JS_CHECK']);
    expect(verdict.failures[0]).toMatch(/^CONTEXT_ISOLATION_JS_CHECK \(HIGH, FIRM\) at app\/main\/index\.ts:8: contextIsolation: false,/);
    expect(verdict.failures[2]).toContain('app/main/index.ts no longer sets contextIsolation: true, sandbox: true, nodeIntegration: false');
    expect(verdict.failed).toBe(3);
  });

  it('fails a window that leaves middle-click (auxclick) enabled', async () => {
    electronSide('      contextIsolation: true,\n      sandbox: true,\n      nodeIntegration: false,');
    const verdict = await verdictFor();
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toMatch(/^AUXCLICK_JS_CHECK \(MEDIUM, FIRM\) at app\/main\/index\.ts:5: mainWindow = new BrowserWindow/);
  });

  it('stops accepting the preload once it exposes something other than window.api', async () => {
    electronSide(HARDENED, "contextBridge.exposeInMainWorld('ipc', ipcRenderer);\n");
    const verdict = await verdictFor();
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toContain('PRELOAD_JS_CHECK');
    expect(verdict.failures[0]).toContain("exposes 'ipc', ipcRenderer instead of exactly ('api', api)");
  });

  it('fails an openExternal that is not guarded by the allow-list', async () => {
    electronSide(HARDENED);
    write({ 'app/main/sign-in.ts': "import { shell } from 'electron';\nexport const openBrowser = (url) => shell.openExternal(url);\n" });
    const verdict = await verdictFor();
    expect(verdict.failures).toEqual([
      expect.stringMatching(/^OPEN_EXTERNAL_JS_CHECK \(MEDIUM, TENTATIVE\) at app\/main\/sign-in\.ts:2: /),
    ]);
  });

  it('fails when the whole app has no navigation guard or permission handler', async () => {
    electronSide(HARDENED);
    write({ 'app/main/hardening.ts': 'export {};\n' });
    const rules = (await verdictFor()).failures.map((line) => line.split(' ')[0]);
    expect(rules).toEqual(expect.arrayContaining(['LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']));
  });
});

describe('judge', () => {
  const location = (uri: string, line: number) => [
    { physicalLocation: { artifactLocation: { uri }, region: { startLine: line, startColumn: 1 } } },
  ];
  const log: SarifLog = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'Electronegativity', version: 'test', informationUri: 'https://example.invalid', rules: [] } },
        properties: {
          electronVersion: '45.5.0',
          checksRun: 10,
          scannedFiles: ['app/main/index.ts'],
          unscannedFiles: [{ file: 'app/main/index.ts', message: 'Unexpected token' }],
        },
        results: [
          {
            ruleId: 'A',
            level: 'error',
            message: { text: 'bad' },
            locations: location('out/main/index.js', 3),
            properties: { severity: 'HIGH', confidence: 'CERTAIN' },
          },
          {
            ruleId: 'A',
            level: 'error',
            message: { text: 'bad' },
            locations: location('out/main/index.js', 9),
            properties: { severity: 'HIGH', confidence: 'CERTAIN' },
          },
          {
            ruleId: 'B',
            level: 'error',
            message: { text: 'ok' },
            locations: location('out/main/index.js', 4),
            suppressions: [{ kind: 'external', justification: 'because' }],
            properties: { severity: 'MEDIUM', confidence: 'FIRM' },
          },
          {
            ruleId: 'C',
            level: 'warning',
            message: { text: 'low' },
            locations: location('out/renderer/index.html', 6),
            properties: { severity: 'LOW', confidence: 'FIRM' },
          },
        ],
      },
    ],
  };

  it('fails unsuppressed errors and unscannable files, accepts suppressed ones, and notes the rest', () => {
    const verdict = judge(log);
    expect(verdict.failures).toHaveLength(3);
    expect(verdict.failures[0]).toMatch(/^A \(HIGH, CERTAIN\) at out\/main\/index\.js:3\n {5}why: bad$/);
    expect(verdict.failures[2]).toContain('app/main/index.ts could not be scanned: Unexpected token');
    expect(verdict.accepted).toEqual([expect.stringContaining('accepted: because')]);
    expect(verdict.notes).toHaveLength(1);
    // Checks are counted once each: rule A failed (twice), one file went unscanned.
    expect({ passed: verdict.passed, failed: verdict.failed }).toEqual({ passed: 9, failed: 2 });
  });
});
