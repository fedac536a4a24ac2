/**
 * `node scripts/check-electronegativity.ts [--sarif <file>]` (after `npm run build`): runs
 * Doyensec's Electronegativity over the app's Electron side, writes the findings as SARIF,
 * reads that SARIF back and fails on any medium- or high-severity finding that is not one of
 * the narrow, justified exceptions below.
 *
 * What is scanned, as one app: the sources of app/main and app/preload (the only folders that
 * may import `electron`, as scripts/check-boundaries.ts enforces, so every Electron API call
 * is there) and the built page, out/renderer/index.html, whose CSP meta tag ships. Scanned as
 * one tree so Electronegativity's whole-app checks can settle its per-file ones (a
 * will-navigate handler here, a CSP there). Not the bundles in out/: Electronegativity 1.10
 * walks ASTs with an estraverse that predates private class fields, so it cannot read the
 * bundled main (core uses `#fields`) or Svelte's runtime, and would skip those files whole.
 *
 * Prints each failure (rule, file, line, why), each accepted exception with its reason, and
 * `N passed, N failed` last, counting Electronegativity's checks; exits 1 on any failure.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EXTERNAL_LINK_ALLOW_LIST } from '../app/shared/security.ts';

const PROJECT_DIR = resolve(import.meta.dirname, '..');

/** The folders of Electron code, scanned from source (tests left out). */
const ELECTRON_SOURCE_FOLDERS = ['app/main', 'app/preload'];
/** The page as it ships; its CSP meta tag is what the CSP checks read. */
const BUILT_PAGE = 'out/renderer/index.html';

type Severity = 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

/** One Electronegativity finding, as its programmatic API returns it. */
export interface Finding {
  id: string;
  file: string;
  location?: { line?: number; column?: number };
  sample?: string;
  description: string;
  severity: { name: Severity };
  confidence: { name: string };
  manualReview?: boolean;
}

/** A file Electronegativity could not parse: its checks did not run there. */
export interface ScanError {
  file: string;
  message: string;
  tolerable: boolean;
}

/** What one scan produced; file paths are the project's own. */
export interface ScanResult {
  electronVersion: string;
  files: string[];
  checksRun: number;
  findings: Finding[];
  errors: ScanError[];
}

/**
 * A finding we accept for a stated reason. It matches one rule, in one file, on one exact
 * statement, and only while `stillHolds` finds the reason still true in our sources.
 */
export interface AcceptedFinding {
  rule: string;
  file: RegExp;
  sample: RegExp;
  why: string;
  /** Null when the justification still holds, otherwise what changed. */
  stillHolds(projectDir: string): string | null;
}

const readSource = (projectDir: string, path: string) => readFileSync(join(projectDir, path), 'utf8');

/** The project's exceptions. Everything else of medium or high severity fails the check. */
export const ACCEPTED_FINDINGS: readonly AcceptedFinding[] = [
  {
    rule: 'OPEN_EXTERNAL_JS_CHECK',
    file: /^app\/main\/hardening\.ts$/,
    sample: /^if \(isAllowedExternalLink\(url\)\) void shell\.openExternal\(url\);$/,
    why: 'shell.openExternal only runs for URLs that isAllowedExternalLink (app/shared/security.ts) accepts: fixed https:// prefixes on Microsoft and Xbox hosts, so the page cannot make the OS open file:, smb: or custom-scheme URLs.',
    stillHolds: () => {
      const loose = EXTERNAL_LINK_ALLOW_LIST.filter((prefix) => !/^https:\/\/[a-z0-9.-]+\//.test(prefix));
      return loose.length === 0 ? null : `EXTERNAL_LINK_ALLOW_LIST has entries that do not pin an https host: ${loose.join(', ')}`;
    },
  },
  {
    rule: 'OPEN_EXTERNAL_JS_CHECK',
    file: /^app\/main\/hardening\.ts$/,
    sample: /^if \(isSignInPageUrl\(url\)\) return shell\.openExternal\(url\);$/,
    why: "MSAL's sign-in page is opened only when isSignInPageUrl (app/shared/security.ts) accepts it: https, or http on loopback for the local token stand-ins; never file:, smb: or a custom scheme.",
    stillHolds: (projectDir) =>
      /if \(parsed\.protocol === 'https:'\) return true;/.test(readSource(projectDir, 'app/shared/security.ts'))
        ? null
        : 'isSignInPageUrl no longer limits sign-in pages to https (and loopback http)',
  },
  {
    rule: 'OPEN_EXTERNAL_JS_CHECK',
    file: /^app\/main\/hardening\.ts$/,
    sample: /^await shell\.openExternal\(uri\);$/,
    why: 'An activation URI is opened only after activationOpenRefusal (app/shared/invitee/open-activation.ts) accepts it, right above: one of the three ms-xbl-* URIs the app builds, printable ASCII only, on Windows; never https:, file:, smb: or another scheme.',
    stillHolds: (projectDir) => {
      const guard = readSource(projectDir, 'app/shared/invitee/open-activation.ts');
      const main = readSource(projectDir, 'app/main/hardening.ts');
      if (!/const ACTIVATION_URI = \/\^ms-xbl-/.test(guard))
        return 'open-activation.ts no longer pins activation URIs to an ms-xbl- scheme';
      return /activationOpenRefusal\(uri, process\.platform\);\s*if \(refusal !== undefined\) throw [^;]*;\s*await shell\.openExternal\(uri\);/.test(
        main,
      )
        ? null
        : 'openActivationUri no longer refuses what activationOpenRefusal refuses right before opening';
    },
  },
  {
    rule: 'PRELOAD_JS_CHECK',
    file: /^app\/main\/index\.ts$/,
    sample: /^preload: join\(import\.meta\.dirname, '\.\.\/preload\/index\.cjs'\),$/,
    why: 'The preload is our own, runs sandboxed with context isolation, and exposes only window.api, built from the contract (one function per channel); it never hands ipcRenderer, Node or Electron objects to the page.',
    stillHolds: (projectDir) => {
      const main = readSource(projectDir, 'app/main/index.ts');
      const missing = ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false'].filter((setting) => !main.includes(setting));
      if (missing.length > 0) return `app/main/index.ts no longer sets ${missing.join(', ')}`;
      const exposures = [...readSource(projectDir, 'app/preload/index.ts').matchAll(/exposeInMainWorld\(([^)]*)\)/g)].map(
        (match) => match[1],
      );
      if (exposures.length !== 1 || exposures[0] !== "'api', api")
        return `app/preload/index.ts exposes ${exposures.length === 0 ? 'nothing recognisable' : exposures.join('; ')} instead of exactly ('api', api)`;
      return null;
    },
  },
];

// AvailableSecurityFixesGlobalCheck downloads Electron's release list to say whether a newer
// patch has security fixes: it needs the network, and it judges our Electron version (kept
// current by dependency updates), not our code. It is the only check left out.
const NETWORK_ONLY_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

interface RunOptions {
  input: string;
  isRelative: boolean;
  electronVersionOverride: string;
  excludeFromScan: string[];
  parserPlugins: string[];
}
type Runner = (
  options: RunOptions,
  forCli: boolean,
) => Promise<{ globalChecks: number; atomicChecks: number; errors: ScanError[]; issues: Finding[] }>;

let runner: Runner | null = null;

/**
 * Loads Electronegativity with an offline `got`. It fetches translations with got and, when
 * that fails offline, got 11's retry fires after its promise settled and p-cancelable throws
 * out of a timer, killing the process. Answering "offline" at once keeps the bundled en-US
 * texts; the only check that needs the network is excluded above.
 */
function loadElectronegativity(): Runner {
  if (runner) return runner;
  const requireFromTool = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity/package.json'));
  const gotPath = requireFromTool.resolve('got');
  const offlineGot = new Module(gotPath);
  offlineGot.filename = gotPath;
  offlineGot.loaded = true;
  offlineGot.exports = () => Promise.reject(new Error('Electronegativity runs offline in this check.'));
  requireFromTool.cache[gotPath] = offlineGot;
  runner = requireFromTool('./dist/runner.js') as Runner;
  return runner;
}

/** The project files that make up the scanned app: Electron sources (no tests) and the built page. */
export function electronSideFiles(projectDir: string): string[] {
  const sources = ELECTRON_SOURCE_FOLDERS.flatMap((folder) => {
    if (!existsSync(join(projectDir, folder))) return [];
    return readdirSync(join(projectDir, folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
      .map((name) => `${folder}/${name.split('\\').join('/')}`);
  });
  return [...sources.sort(), ...(existsSync(join(projectDir, BUILT_PAGE)) ? [BUILT_PAGE] : [])];
}

/**
 * Copies the app's Electron side into a temporary tree (same relative paths) and runs every
 * Electronegativity check but the network-only one over it as one app.
 */
export async function scan(projectDir: string, electronVersion: string): Promise<ScanResult> {
  const run = loadElectronegativity();
  const files = electronSideFiles(projectDir);
  const tree = mkdtempSync(join(tmpdir(), 'electronegativity-tree-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      cpSync(join(projectDir, file), join(tree, file));
    }
    const result = await run(
      { input: tree, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: NETWORK_ONLY_CHECKS, parserPlugins: [] },
      false,
    );
    const inProject = (file: string) =>
      file
        .split('\\')
        .join('/')
        .replace(`${tree.split('\\').join('/')}/`, '');
    return {
      electronVersion,
      files,
      checksRun: result.globalChecks + result.atomicChecks,
      findings: result.issues.map((finding) => ({ ...finding, file: inProject(finding.file) })),
      errors: result.errors.map((error) => ({ ...error, file: inProject(error.file) })),
    };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** The accepted-finding entry that covers `finding`, if any. */
export function exceptionFor(finding: Finding, accepted: readonly AcceptedFinding[]): AcceptedFinding | undefined {
  return accepted.find(
    (entry) => entry.rule === finding.id && entry.file.test(finding.file) && entry.sample.test((finding.sample ?? '').trim()),
  );
}

interface SarifResult {
  ruleId: string;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
  suppressions?: { kind: 'external'; justification: string }[];
  properties: { severity: Severity; confidence: string; sample?: string };
}
interface RunProperties {
  electronVersion: string;
  scannedFiles: string[];
  checksRun: number;
  unscannedFiles: { file: string; message: string }[];
}
/** The part of a SARIF 2.1.0 log this check writes and reads. */
export interface SarifLog {
  version: '2.1.0';
  $schema: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string }[] } };
    properties: RunProperties;
    results: SarifResult[];
  }[];
}

/**
 * Turns a scan into SARIF. Unlike Electronegativity's own SARIF writer (which drops severity
 * and writes asynchronously), every result carries its severity; medium and high findings
 * are `error`s, and an accepted one carries a suppression with its justification.
 */
export function toSarif(result: ScanResult, accepted: readonly AcceptedFinding[], projectDir: string, toolVersion: string): SarifLog {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'Electronegativity',
            version: toolVersion,
            informationUri: 'https://github.com/doyensec/electronegativity',
            rules: [...new Set(result.findings.map((finding) => finding.id))].map((id) => ({ id })),
          },
        },
        properties: {
          electronVersion: result.electronVersion,
          scannedFiles: result.files,
          checksRun: result.checksRun,
          unscannedFiles: result.errors.filter((error) => !error.tolerable).map(({ file, message }) => ({ file, message })),
        },
        results: result.findings.map((finding): SarifResult => {
          const severity = finding.severity.name;
          const exception = exceptionFor(finding, accepted);
          const broken = exception?.stillHolds(projectDir) ?? null;
          const sarif: SarifResult = {
            ruleId: finding.id,
            level: severity === 'HIGH' || severity === 'MEDIUM' ? 'error' : severity === 'LOW' ? 'warning' : 'note',
            message: {
              text: broken ? `${finding.description} (The exception for this finding no longer holds: ${broken}.)` : finding.description,
            },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: finding.file },
                  region: { startLine: Math.max(1, finding.location?.line ?? 1), startColumn: (finding.location?.column ?? 0) + 1 },
                },
              },
            ],
            properties: { severity, confidence: finding.confidence.name, ...(finding.sample ? { sample: finding.sample.trim() } : {}) },
          };
          if (exception && !broken) sarif.suppressions = [{ kind: 'external', justification: exception.why }];
          return sarif;
        }),
      },
    ],
  };
}

/** The verdict read from a SARIF log: what fails, what was accepted, and the counts. */
export interface Verdict {
  failures: string[];
  accepted: string[];
  notes: string[];
  passed: number;
  failed: number;
}

/** Reads a SARIF log written by {@link toSarif} and decides pass or fail. */
export function judge(log: SarifLog): Verdict {
  const verdict: Verdict = { failures: [], accepted: [], notes: [], passed: 0, failed: 0 };
  for (const run of log.runs) {
    const failingRules = new Set<string>();
    for (const result of run.results) {
      const where = result.locations[0]?.physicalLocation;
      const at = `${where?.artifactLocation.uri ?? '?'}:${where?.region.startLine ?? '?'}`;
      const line = `${result.ruleId} (${result.properties.severity}, ${result.properties.confidence}) at ${at}${result.properties.sample ? `: ${result.properties.sample}` : ''}\n     why: ${result.message.text}`;
      if (result.level !== 'error') verdict.notes.push(line);
      else if (result.suppressions?.length) verdict.accepted.push(`${line}\n     accepted: ${result.suppressions[0]?.justification}`);
      else {
        verdict.failures.push(line);
        failingRules.add(result.ruleId);
      }
    }
    for (const file of run.properties.unscannedFiles) {
      verdict.failures.push(
        `${file.file} could not be scanned: ${file.message}\n     why: its checks did not run; a finding there would go unseen.`,
      );
    }
    verdict.failed += failingRules.size + run.properties.unscannedFiles.length;
    verdict.passed += Math.max(0, run.properties.checksRun - failingRules.size);
  }
  return verdict;
}

async function main(): Promise<number> {
  const sarifFlag = process.argv.indexOf('--sarif');
  const sarifArgument = sarifFlag === -1 ? undefined : process.argv[sarifFlag + 1];
  if (sarifFlag !== -1 && (!sarifArgument || sarifArgument.startsWith('--'))) {
    console.error('--sarif must be followed by the file to write the SARIF log to, e.g. --sarif electronegativity.sarif');
    return 2;
  }
  if (!existsSync(join(PROJECT_DIR, BUILT_PAGE))) {
    console.log(`FAIL ${BUILT_PAGE} is missing, so the page's CSP cannot be checked: run "npm run build" first.`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const versionOf = (pkg: string) =>
    (JSON.parse(readSource(PROJECT_DIR, `node_modules/${pkg}/package.json`)) as { version: string }).version;
  const electronVersion = versionOf('electron');
  const toolVersion = versionOf('@doyensec/electronegativity');

  const result = await scan(PROJECT_DIR, electronVersion);
  const sarifPath = sarifArgument
    ? resolve(sarifArgument)
    : join(mkdtempSync(join(tmpdir(), 'electronegativity-')), 'electronegativity.sarif');
  writeFileSync(sarifPath, `${JSON.stringify(toSarif(result, ACCEPTED_FINDINGS, PROJECT_DIR, toolVersion), null, 2)}\n`);
  const verdict = judge(JSON.parse(readFileSync(sarifPath, 'utf8')) as SarifLog);

  console.log(
    `Electronegativity ${toolVersion}, ${result.checksRun} checks for Electron ${electronVersion}, over ${result.files.length} files (${ELECTRON_SOURCE_FOLDERS.join(', ')}, ${BUILT_PAGE}); SARIF: ${sarifPath}`,
  );
  for (const line of verdict.failures) console.log(`FAIL ${line}`);
  for (const line of verdict.accepted) console.log(`ACCEPTED ${line}`);
  for (const line of verdict.notes) console.log(`NOTE ${line}`);
  console.log(`${verdict.passed} passed, ${verdict.failed} failed`);
  return verdict.failed === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = await main();
