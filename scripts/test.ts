/**
 * `npm test`: every check the project has, in the order a failure is cheapest to find, and one
 * closing line `N passed, N failed` over all of them. Test runners report their own counts
 * (Vitest, Playwright, the packaging and security checks); a check that is a single pass/fail
 * (typecheck, import boundaries, build) counts as one.
 *
 * On Linux the whole run happens inside a private D-Bus session with an unlocked
 * gnome-keyring and a throwaway HOME, so keychain tests meet a real Secret Service without
 * touching the developer's own keyring.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`, FORCE_COLOR: '0' };

if (
  process.platform === 'linux' &&
  process.env['HANDLE_STUDIO_KEYRING_SESSION'] !== '1' &&
  hasCommand('dbus-run-session') &&
  hasCommand('gnome-keyring-daemon')
) {
  const home = mkdtempSync(join(tmpdir(), 'handle-studio-test-home-'));
  const inner = 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', inner, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...env, HOME: home, HANDLE_STUDIO_KEYRING_SESSION: '1' },
  });
  child.on('exit', (code, signal) => {
    rmSync(home, { recursive: true, force: true });
    process.exit(code ?? (signal ? 1 : 0));
  });
} else {
  if (process.platform === 'linux' && process.env['HANDLE_STUDIO_KEYRING_SESSION'] !== '1') {
    console.log('note: dbus-run-session or gnome-keyring-daemon missing; keychain tests will report why they skip.');
  }
  process.exit(await runAll());
}

interface Tally {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Names of the failed tests, where the runner reports them, so the summary says what broke. */
  failures?: string[];
}

/**
 * Every step is an npm script (package.json's `scripts`), so a developer runs any one of them
 * alone the same way (`npm run test:unit`, `npm run typecheck:node`, ...) and CI's workflow
 * names the same scripts: a step is defined once, there.
 */
async function runAll(): Promise<number> {
  const results: Tally[] = [];
  const resultsDir = join(root, 'test-results');
  rmSync(resultsDir, { recursive: true, force: true });
  const unitReport = join(resultsDir, 'unit.json');

  results.push(await single('lint', 'lint'));
  results.push(await single('format', 'format:check'));
  results.push(await single('typecheck (node)', 'typecheck:node'));
  results.push(await single('typecheck (renderer)', 'typecheck:renderer'));
  results.push(await single('import boundaries', 'check:boundaries'));
  results.push(await counted('CI workflows', 'check:workflows', [], closingLineTally));
  results.push(await single('build', 'build'));
  results.push(await counted('bundle budget', 'check:bundle', [], closingLineTally));
  results.push(
    await counted('unit tests (vitest)', 'test:unit', ['--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`], () =>
      vitestTally(unitReport),
    ),
  );
  // The build step above has just built the renderer the e2e tests load.
  results.push(
    await counted('end-to-end (playwright, chromium)', 'test:e2e', [], () => playwrightTally(join(resultsDir, 'e2e.json')), {
      E2E_SKIP_BUILD: '1',
    }),
  );
  results.push(await counted('packaging', 'check:packaging', [], closingLineTally));
  results.push(await counted('security lint (electronegativity)', 'check:security', [], closingLineTally));

  console.log('\n== Summary');
  for (const tally of results) {
    console.log(
      `${tally.failed > 0 ? 'FAIL' : 'ok  '} ${tally.name}: ${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ''}`,
    );
    for (const failure of tally.failures ?? []) console.log(`       failed: ${failure}`);
  }
  const passed = results.reduce((sum, tally) => sum + tally.passed, 0);
  const failed = results.reduce((sum, tally) => sum + tally.failed, 0);
  const skipped = results.reduce((sum, tally) => sum + tally.skipped, 0);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 ? 1 : 0;
}

/** A check that is one pass or one fail. */
async function single(name: string, script: string): Promise<Tally> {
  const { code } = await run(name, script, []);
  return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
}

/**
 * A runner with its own counts. A non-zero exit with no failure counted (it crashed, or ran
 * nothing) still counts as one failure, so a broken runner can never look green.
 */
async function counted(
  name: string,
  script: string,
  args: string[],
  tally: (output: string) => Omit<Tally, 'name'> | null,
  extraEnv: Record<string, string> = {},
): Promise<Tally> {
  const { code, output } = await run(name, script, args, extraEnv);
  const counts = tally(output) ?? { passed: 0, failed: 0, skipped: 0 };
  const failed = code !== 0 && counts.failed === 0 ? 1 : counts.failed;
  const ranNothing = counts.passed + counts.failed === 0;
  return { name, ...counts, failed: ranNothing && failed === 0 ? 1 : failed };
}

/** `npm run <script> [-- args]`, its output shown and kept. */
function run(
  name: string,
  script: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const npmArgs = ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])];
  console.log(`\n== ${name}: npm ${npmArgs.join(' ')}`);
  // Under `npm test`, npm says where its own CLI is: run that with this Node (no shell needed,
  // also on Windows, where `npm` is a .cmd file that spawn cannot start without one).
  const npmCli = process.env['npm_execpath'];
  const [command, commandArgs, shell] =
    npmCli && /\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli, ...npmArgs], false] : ['npm', npmArgs, process.platform === 'win32'];
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, env: { ...env, ...extraEnv }, shell, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const tee = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('error', (error) => resolve({ code: 127, output: `${output}\n${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function vitestTally(file: string): Omit<Tally, 'name'> | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string }[] }[];
  };
  const failures = report.testResults.flatMap((file) => {
    const tests = file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => `${relativeToRoot(file.name)} > ${test.fullName}`);
    // A file that fails before its tests run (an import that throws) has no failed test to name.
    if (tests.length === 0 && file.status === 'failed')
      return [`${relativeToRoot(file.name)} (the file itself: ${(file.message ?? '').split('\n')[0]})`];
    return tests;
  });
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests, failures };
}

function playwrightTally(file: string): Omit<Tally, 'name'> | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    suites: PlaywrightSuite[];
  };
  const failures = report.suites.flatMap((suite) => unexpectedSpecs(suite));
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped, failures };
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { title: string; tests: { status: string }[] }[];
  suites?: PlaywrightSuite[];
}

function unexpectedSpecs(suite: PlaywrightSuite): string[] {
  const own = (suite.specs ?? [])
    .filter((spec) => spec.tests.some((test) => test.status === 'unexpected'))
    .map((spec) => `${suite.file ?? suite.title} > ${spec.title}`);
  return [...own, ...(suite.suites ?? []).flatMap(unexpectedSpecs)];
}

function relativeToRoot(path: string): string {
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Our own check scripts end with the plain line `N passed, N failed`. */
function closingLineTally(output: string): Omit<Tally, 'name'> | null {
  const lines = output.trim().split('\n').reverse();
  for (const line of lines) {
    const match = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(line.trim());
    if (match) return { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3] ?? 0) };
  }
  return null;
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
