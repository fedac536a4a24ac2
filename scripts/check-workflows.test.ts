import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkflow, checkWorkflows } from './check-workflows.ts';

const SCRIPT = join(import.meta.dirname, 'check-workflows.ts');
const ROOT = resolve(import.meta.dirname, '..');
const CI = readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8');
const SCRIPTS = { test: 'node scripts/test.ts', dist: 'node scripts/dist.ts' };

const workflow = (steps: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

describe('checkWorkflow', () => {
  it("passes this repository's workflows", () => {
    const results = checkWorkflows(ROOT);
    expect(results.map((result) => result.file)).toContain('.github/workflows/ci.yml');
    expect(results.filter((result) => result.problems.length > 0)).toEqual([]);
  });

  it('goes red on ci.yml with a misspelt key, naming the key and where', () => {
    const broken = CI.replace('    runs-on: ${{ matrix.os }}', '    run-on: ${{ matrix.os }}');
    expect(broken).not.toBe(CI);
    expect(checkWorkflow(broken, SCRIPTS)).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/jobs\/test-and-package: Additional property 'run-on' is not allowed/)]),
    );
  });

  it('goes red on a value of the wrong type and on an event GitHub does not have', () => {
    expect(checkWorkflow(CI.replace('timeout-minutes: 90', 'timeout-minutes: [90]'), SCRIPTS).join('\n')).toMatch(/timeout-minutes/);
    expect(checkWorkflow(CI.replace('  workflow_dispatch:', '  on_tuesdays:'), SCRIPTS).join('\n')).toMatch(/on_tuesdays/);
  });

  it('names the line of YAML that does not parse', () => {
    expect(checkWorkflow('on: push\njobs:\n  a: [\n', SCRIPTS)).toEqual([
      expect.stringMatching(/^line 4: did not find expected node content/),
    ]);
  });

  it('refuses a run step that is not an npm command, and an npm script package.json lacks', () => {
    const problems = checkWorkflow(
      workflow('      - run: npm ci && npx vitest run\n      - name: Ship\n        run: npm run ship\n'),
      SCRIPTS,
    );
    expect(problems).toEqual([
      'jobs.build.steps[0]: "npx vitest run" is not npm ci, npm test or npm run <script>; put it in an npm script so it runs the same way locally',
      'jobs.build.steps[1] (Ship): npm run ship: package.json has no such script',
    ]);
  });

  it('accepts npm commands, under xvfb-run too, and apt-get of system packages', () => {
    const steps =
      '      - run: sudo apt-get update && sudo apt-get install -y xvfb\n      - run: |\n          npm ci\n          xvfb-run -a npm test\n      - run: npm run dist -- --x64\n      - uses: actions/checkout@v4\n';
    expect(checkWorkflow(workflow(steps), SCRIPTS)).toEqual([]);
  });
});

describe('command line', () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'check-workflows-test-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ scripts: SCRIPTS }));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  const check = () => spawnSync(process.execPath, [SCRIPT, '--root', project], { encoding: 'utf8' });

  it('exits 1 naming the file and the problem, and ends with the file counts', () => {
    mkdirSync(join(project, '.github/workflows'), { recursive: true });
    writeFileSync(join(project, '.github/workflows/good.yml'), workflow('      - run: npm test\n'));
    writeFileSync(join(project, '.github/workflows/bad.yaml'), workflow('      - run: make all\n'));
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('.github/workflows/bad.yaml: jobs.build.steps[0]: "make all" is not npm ci');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('fails when there is no workflow at all, rather than passing on nothing', () => {
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('No workflow files under .github/workflows/.');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});
