/**
 * A round trip as a JUnit XML report, the format CI systems (GitHub Actions reporters, GitLab,
 * Jenkins, Azure Pipelines) read: one testsuite for the run, one testcase per step, a
 * `<failure>` with MPSD's words for the step that failed and `<skipped>` for the steps after
 * it. Times are seconds, as the format wants.
 */

export interface JunitStep {
  name: string;
  as: string;
  status: 'passed' | 'failed' | 'skipped';
  httpStatus?: number;
  correlationId?: string;
  startedAt?: string;
  durationMs?: number;
  message?: string;
  mpsdSaid?: string;
}

/** XML 1.0 text: the five escapes, and characters XML cannot hold at all dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/** What a step did, for `<system-out>`: as whom, the HTTP status and the correlation id to quote to Microsoft. */
function stepFacts(step: JunitStep): string {
  return [
    `as ${step.as}`,
    ...(step.httpStatus === undefined ? [] : [`HTTP ${step.httpStatus}`]),
    ...(step.correlationId === undefined ? [] : [`correlation id ${step.correlationId}`]),
    ...(step.startedAt === undefined ? [] : [`started ${step.startedAt}`]),
    ...(step.status === 'passed' && step.message !== undefined ? [step.message] : []),
  ].join('; ');
}

function testcase(step: JunitStep, index: number, classname: string): string {
  const open = `    <testcase classname="${xml(classname)}" name="${xml(`${index + 1}. ${step.name}`)}" time="${seconds(step.durationMs)}"`;
  if (step.status === 'skipped') return `${open}>\n      <skipped message="${xml(step.message ?? 'Not run.')}"/>\n    </testcase>`;
  const out = `      <system-out>${xml(stepFacts(step))}</system-out>`;
  if (step.status === 'passed') return `${open}>\n${out}\n    </testcase>`;
  const body = [step.message, step.mpsdSaid === undefined ? undefined : `MPSD said: ${step.mpsdSaid}`]
    .filter((part) => part !== undefined)
    .join('\n');
  return `${open}>\n      <failure message="${xml(step.message ?? 'Failed.')}" type="${step.httpStatus === undefined ? 'failed' : `HTTP ${step.httpStatus}`}">${xml(body)}</failure>\n${out}\n    </testcase>`;
}

/** The report for one run named `suite` (e.g. "roundtrip Alpha -> Bravo, <scid>/<template>/<name>"). */
export function junitReport(suite: string, steps: readonly JunitStep[], timestamp: string): string {
  const failures = steps.filter((step) => step.status === 'failed').length;
  const skipped = steps.filter((step) => step.status === 'skipped').length;
  const time = seconds(steps.reduce((total, step) => total + (step.durationMs ?? 0), 0));
  const counts = `tests="${steps.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="handle-studio" ${counts}>`,
    `  <testsuite name="${xml(suite)}" ${counts} timestamp="${xml(timestamp)}">`,
    ...steps.map((step, index) => testcase(step, index, 'handle-studio.roundtrip')),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
