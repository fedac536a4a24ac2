import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPTED_FINDINGS, judge, locateInSources, scan, toSarif, type SarifLog } from './check-electronegativity.ts';

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

const PAGE = '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'"></head><body></body></html>\n';

/** A built main process in the shape of ours, with `webPreferences` and the preload source chosen by the test. */
function builtApp(webPreferences: string, preloadSource = "contextBridge.exposeInMainWorld('api', api);\n"): void {
  const main = [
    "import { app, BrowserWindow, session, shell } from 'electron';",
    "import { join } from 'node:path';",
    "const APP_ORIGIN = 'app://handle-studio';",
    'session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));',
    "app.on('web-contents-created', (_event, contents) => {",
    "  contents.on('will-navigate', (event, url) => { if (!url.startsWith(APP_ORIGIN)) event.preventDefault(); });",
    '  contents.setWindowOpenHandler(({ url }) => {',
    '    if (isAllowedExternalLink(url)) shell.openExternal(url);',
    "    return { action: 'deny' };",
    '  });',
    '});',
    'let mainWindow = null;',
    'function isAllowedExternalLink(url) { return url.startsWith("https://www.xbox.com/"); }',
    'export function open() {',
    '  mainWindow = new BrowserWindow({',
    '    webPreferences: {',
    '      preload: join(import.meta.dirname, "../preload/index.cjs"),',
    webPreferences,
    '    },',
    '  });',
    '}',
  ].join('\n');
  write({
    'out/main/index.js': `${main}\n`,
    'out/renderer/index.html': PAGE,
    'app/main/index.ts': `preload: join(import.meta.dirname, '../preload/index.cjs'),\n${webPreferences}\n`,
    'app/main/hardening.ts': 'contents.setWindowOpenHandler(({ url }) => {\n  if (isAllowedExternalLink(url)) void shell.openExternal(url);\n});\n',
    'app/preload/index.ts': preloadSource,
  });
}

const HARDENED = "      contextIsolation: true,\n      sandbox: true,\n      nodeIntegration: false,\n      disableBlinkFeatures: 'Auxclick',";

async function verdictFor() {
  const result = await scan(project, 'out', '45.5.0');
  return judge(toSarif([result], ACCEPTED_FINDINGS, project, 'test'));
}

describe('scan and judge on a real Electronegativity run', () => {
  it('passes a hardened main process, accepting the guarded openExternal and our preload', async () => {
    builtApp(HARDENED);
    const verdict = await verdictFor();
    expect(verdict.failures).toEqual([]);
    expect(verdict.failed).toBe(0);
    expect(verdict.passed).toBeGreaterThan(30);
    expect(verdict.accepted.map((line) => line.split(' ')[0])).toEqual(['OPEN_EXTERNAL_JS_CHECK', 'PRELOAD_JS_CHECK']);
  });

  it('fails a window without context isolation or sandbox, naming rule, bundle line and source line', async () => {
    builtApp("      contextIsolation: false,\n      sandbox: false,\n      nodeIntegration: true,\n      disableBlinkFeatures: 'Auxclick',");
    const verdict = await verdictFor();
    const rules = verdict.failures.map((line) => line.split(' ')[0]);
    // The preload is no longer accepted either: its justification needs isolation and the sandbox.
    expect(rules).toEqual(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'PRELOAD_JS_CHECK']);
    expect(verdict.failures[0]).toMatch(/^CONTEXT_ISOLATION_JS_CHECK \(HIGH, FIRM\) at out\/main\/index\.js:18 \(source: app\/main\/index\.ts:2\): contextIsolation: false,/);
    expect(verdict.failures[2]).toContain('app/main/index.ts no longer sets contextIsolation: true, sandbox: true, nodeIntegration: false');
    expect(verdict.failed).toBe(3);
  });

  it('fails a window that leaves middle-click (auxclick) enabled', async () => {
    builtApp('      contextIsolation: true,\n      sandbox: true,\n      nodeIntegration: false,');
    const verdict = await verdictFor();
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toMatch(/^AUXCLICK_JS_CHECK \(MEDIUM, FIRM\) at out\/main\/index\.js:15: mainWindow = new BrowserWindow/);
  });

  it('stops accepting the preload once it exposes something other than window.api', async () => {
    builtApp(HARDENED, "contextBridge.exposeInMainWorld('ipc', ipcRenderer);\n");
    const verdict = await verdictFor();
    expect(verdict.failures).toHaveLength(1);
    expect(verdict.failures[0]).toContain('PRELOAD_JS_CHECK');
    expect(verdict.failures[0]).toContain("exposes 'ipc', ipcRenderer instead of exactly ('api', api)");
  });

  it('stops accepting openExternal when the call is not guarded by the allow-list', async () => {
    builtApp(HARDENED);
    write({ 'out/main/index.js': "import { shell } from 'electron';\nexport function open(url) { shell.openExternal(url); }\n" });
    const verdict = await verdictFor();
    expect(verdict.failures.map((line) => line.split(' ')[0])).toContain('OPEN_EXTERNAL_JS_CHECK');
  });
});

describe('judge', () => {
  const location = (uri: string, line: number) => [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: line, startColumn: 1 } } }];
  const log: SarifLog = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'Electronegativity', version: 'test', informationUri: 'https://example.invalid', rules: [] } },
      properties: {
        electronVersion: '45.5.0',
        checksRun: 10,
        unscannedFiles: [
          { file: 'out/renderer/assets/index.js', message: 'Unknown node type ClassPrivateProperty.', accepted: true },
          { file: 'out/main/index.js', message: 'Unexpected token', accepted: false },
        ],
      },
      results: [
        { ruleId: 'A', level: 'error', message: { text: 'bad' }, locations: location('out/main/index.js', 3), properties: { severity: 'HIGH', confidence: 'CERTAIN', scan: 'out' } },
        { ruleId: 'A', level: 'error', message: { text: 'bad' }, locations: location('out/main/index.js', 9), properties: { severity: 'HIGH', confidence: 'CERTAIN', scan: 'out' } },
        { ruleId: 'B', level: 'error', message: { text: 'ok' }, locations: location('out/main/index.js', 4), suppressions: [{ kind: 'external', justification: 'because' }], properties: { severity: 'MEDIUM', confidence: 'FIRM', scan: 'out' } },
        { ruleId: 'C', level: 'warning', message: { text: 'low' }, locations: location('out/renderer/index.html', 6), properties: { severity: 'LOW', confidence: 'FIRM', scan: 'out' } },
      ],
    }],
  };

  it('fails unsuppressed errors and unscannable files, accepts suppressed ones, and notes the rest', () => {
    const verdict = judge(log);
    expect(verdict.failures).toHaveLength(3);
    expect(verdict.failures[0]).toMatch(/^A \(HIGH, CERTAIN\) at out\/main\/index\.js:3\n {5}why: bad$/);
    expect(verdict.failures[2]).toContain('out/main/index.js could not be scanned: Unexpected token');
    expect(verdict.accepted).toEqual([expect.stringContaining('accepted: because')]);
    expect(verdict.notes).toHaveLength(2);
    // Checks are counted once each: rule A failed (twice), one file went unscanned.
    expect({ passed: verdict.passed, failed: verdict.failed }).toEqual({ passed: 9, failed: 2 });
  });
});

describe('locateInSources', () => {
  it('finds the source line of a bundled statement despite rewritten quotes and a dropped void', () => {
    builtApp(HARDENED);
    expect(locateInSources(project, 'if (isAllowedExternalLink(url)) shell.openExternal(url);')).toEqual(['app/main/hardening.ts:2']);
    expect(locateInSources(project, 'preload: join(import.meta.dirname, "../preload/index.cjs"),')).toEqual(['app/main/index.ts:1']);
    expect(locateInSources(project, 'somethingElse(entirely)')).toEqual([]);
  });
});
