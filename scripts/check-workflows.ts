/**
 * `node scripts/check-workflows.ts`: the GitHub Actions workflows cannot run on this machine,
 * so `npm test` checks what can be checked here.
 *
 *  (a) each file under .github/workflows/ passes the GitHub Actions workflow JSON schema
 *      (SchemaStore's, as built into @action-validator/core, which also checks globs and
 *      `needs`), so a misspelt key or a wrong type is found before a push;
 *  (b) every `run:` step is a command a developer runs the same way locally: `npm ci`,
 *      `npm test` or `npm run <a script package.json has>`, optionally under `xvfb-run -a`
 *      (Linux has no display), or an `apt-get` of the system packages that .ci/run installs
 *      too. CI then never does something `npm test` or an npm script does not.
 *
 * Prints one line per problem and `N passed, N failed` (files) last; exits 1 on any problem.
 * `--root <dir>` checks another project folder (the tests use it).
 */
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

const WORKFLOWS = '.github/workflows';

/** The schema's own findings, one line each; a oneOf names what each of its branches missed. */
function schemaProblems(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => {
    if ('states' in error && error.states?.length) {
      // A oneOf (a job with steps or a reusable workflow; `on` as a word, a list or a map): a branch
      // whose type the value does not even have is not the one meant; of the rest, the closest is.
      const ofTheRightType = error.states.filter(
        (state) => !state.errors.some((inner) => inner.code === 'wrong_type' && 'path' in inner && inner.path === error.path),
      );
      const [closest] = [...(ofTheRightType.length > 0 ? ofTheRightType : error.states)].sort((a, b) => a.errors.length - b.errors.length);
      return schemaProblems(closest?.errors ?? []);
    }
    const where =
      'location' in error && error.location ? `line ${error.location.line}` : 'path' in error && error.path ? error.path : 'the file';
    return [`${where}: ${error.detail ?? error.title}`];
  });
}

const LOCAL_COMMAND = /^(?:xvfb-run -a )?npm (?:ci|test|run ([\w:.-]+))(?: -- .*)?$/;
const SYSTEM_PACKAGES = /^sudo apt-get (?:update|install)\b/;

/** `run:` lines that are not a local npm command (see (b) above). */
function stepProblems(text: string, scripts: Record<string, string>): string[] {
  const document = parseDocument(text).toJS() as { jobs?: Record<string, { steps?: { name?: string; run?: string }[] }> } | null;
  return Object.entries(document?.jobs ?? {}).flatMap(([job, { steps = [] }]) =>
    steps.flatMap((step, index) => {
      const label = `jobs.${job}.steps[${index}]${step.name ? ` (${step.name})` : ''}`;
      if (typeof step.run !== 'string') return [];
      return step.run
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .flatMap((line) => {
          for (const command of line.split(/\s*&&\s*/)) {
            if (SYSTEM_PACKAGES.test(command)) continue;
            const match = LOCAL_COMMAND.exec(command);
            if (!match)
              return [
                `${label}: "${command}" is not npm ci, npm test or npm run <script>; put it in an npm script so it runs the same way locally`,
              ];
            if (match[1] !== undefined && !(match[1] in scripts)) return [`${label}: npm run ${match[1]}: package.json has no such script`];
          }
          return [];
        });
    }),
  );
}

/** Problems in one workflow file's text, given package.json's scripts. */
export function checkWorkflow(text: string, scripts: Record<string, string>): string[] {
  const schema = schemaProblems(validateWorkflow(text).errors);
  // Steps are only read from a file that parses and fits the schema.
  return schema.length > 0 ? schema : stepProblems(text, scripts);
}

/** Every workflow of `projectRoot` with its problems. */
export function checkWorkflows(projectRoot: string): { file: string; problems: string[] }[] {
  const folder = join(projectRoot, WORKFLOWS);
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
    : [];
  const { scripts = {} } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return files.map((name) => ({
    file: `${WORKFLOWS}/${name}`,
    problems: checkWorkflow(readFileSync(join(folder, name), 'utf8'), scripts),
  }));
}

if (import.meta.main) {
  const rootFlag = process.argv.indexOf('--root');
  const rootArgument = rootFlag === -1 ? undefined : process.argv[rootFlag + 1];
  if (rootFlag !== -1 && (!rootArgument || !statSync(rootArgument, { throwIfNoEntry: false })?.isDirectory())) {
    console.error(`--root must be followed by an existing project folder (got ${rootArgument ? `"${rootArgument}"` : 'nothing'}).`);
    process.exit(2);
  }
  const results = checkWorkflows(rootArgument ? resolve(rootArgument) : resolve(import.meta.dirname, '..'));
  for (const { file, problems } of results) {
    for (const problem of problems) console.log(`${file}: ${problem}`);
    if (problems.length === 0) console.log(`${file}: fits the GitHub Actions workflow schema; every run step is a local npm command`);
  }
  const failed = results.filter((result) => result.problems.length > 0).length;
  // No workflow at all would pass silently: that is a failure too.
  if (results.length === 0) console.log(`No workflow files under ${WORKFLOWS}/.`);
  console.log(`${results.length - failed} passed, ${results.length === 0 ? 1 : failed} failed`);
  process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
}
