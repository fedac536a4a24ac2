/**
 * `handle-studio roundtrip --from A --to B --preset NAME`: the invite round trip between two
 * profiles (A joins the preset's session, sets the activity and invites B; B reads the invite
 * and joins through it; A's session shows B), one line per step, optionally as a JUnit file
 * a CI system reads. Exit 0 when every step passed; otherwise the exit code of the failing
 * step's error (5 when MPSD refused it or the answer lacked what was expected, 6 network, 4
 * token), so a pipeline fails on a broken invite path.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inviteeChannels, type InviteeStep, type RoundTrip } from '../shared/contract/invitee.ts';
import { HandleStudioError, toAppError } from '../shared/errors.ts';
import { junitReport } from '../shared/invitee/junit.ts';
import { UsageError, type CommandSpec, type FlagSpec, type FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { EXIT_OK, EXIT_REJECTED, exitCodeFor } from './exit-codes.ts';
import { presetByName } from './preset-commands.ts';
import { text } from './request-flags.ts';
import { profileIdByName } from './send.ts';

const flags = {
  from: { type: 'string', value: 'PROFILE', help: 'The inviter: the profile that joins, sets the activity and sends the invite.' },
  to: { type: 'string', value: 'PROFILE', help: 'The invitee: the profile that reads the invite and joins through it.' },
  preset: {
    type: 'string',
    value: 'NAME',
    help: 'The preset giving the session (SCID, template, name or a fresh one) and the invite attributes.',
  },
  'from-xuid': { type: 'string', value: 'XUID', help: "A's XUID, when A's token was pasted (a signed-in profile knows it)." },
  'to-xuid': { type: 'string', value: 'XUID', help: "B's XUID, when B's token was pasted." },
  'activity-check-delay': {
    type: 'string',
    value: 'MS',
    help: 'Wait this long after setting the activity before checking MPSD still has it (default 0, at most 120000).',
  },
  junit: { type: 'string', value: 'FILE', help: 'Also write the steps as a JUnit XML file (one testcase per step) for CI.' },
} as const satisfies Record<string, FlagSpec>;

function required(values: FlagValues, name: keyof typeof flags): string {
  const value = text(values, name);
  if (value === undefined) throw new UsageError(`--${name} is required: ${flags[name].help}`, roundtripCommand);
  return value;
}

function delay(values: FlagValues): number | undefined {
  const value = text(values, 'activity-check-delay');
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value) || Number(value) > 120_000) {
    throw new HandleStudioError(
      'VALIDATION',
      '--activity-check-delay: give milliseconds from 0 to 120000, e.g. --activity-check-delay 5000.',
      { field: 'activity-check-delay' },
    );
  }
  return Number(value);
}

/** `PASS  1. Alpha joins or creates the session  (HTTP 201, 42 ms, correlation …)` and, for a failure, MPSD's words under it. */
export function stepLines(steps: readonly InviteeStep[]): string[] {
  return steps.flatMap((step, index) => {
    const facts = [
      ...(step.httpStatus === undefined ? [] : [`HTTP ${step.httpStatus}`]),
      ...(step.durationMs === undefined || step.status === 'skipped' ? [] : [`${step.durationMs} ms`]),
      ...(step.correlationId === undefined ? [] : [`correlation ${step.correlationId}`]),
    ];
    const head = `${step.status === 'passed' ? 'PASS' : step.status === 'failed' ? 'FAIL' : 'SKIP'}  ${index + 1}. ${step.name}${facts.length > 0 ? `  (${facts.join(', ')})` : ''}`;
    const notes = step.status === 'skipped' ? [] : [step.message, step.mpsdSaid === undefined ? undefined : `MPSD said: ${step.mpsdSaid}`];
    return [head, ...notes.filter((note) => note !== undefined).map((note) => `      ${note}`)];
  });
}

/** 0 when every step passed; else the failing step's error's code (a failed check of the answer is a refusal, 5). */
export function exitCodeForSteps(steps: readonly InviteeStep[]): number {
  const failed = steps.find((step) => step.status === 'failed');
  if (failed === undefined) return EXIT_OK;
  return failed.code === undefined ? EXIT_REJECTED : exitCodeFor(failed.code);
}

function writeJunit(context: CliContext, file: string, from: string, to: string, trip: RoundTrip): void {
  const { scid, templateName, name } = trip.sessionRef;
  const path = resolve(file);
  try {
    writeFileSync(path, junitReport(`roundtrip ${from} -> ${to}, ${scid}/${templateName}/${name}`, trip.steps, new Date().toISOString()));
  } catch (thrown) {
    throw new HandleStudioError(
      'STORAGE',
      `The JUnit file ${path} could not be written (${toAppError(thrown).message}); the round trip itself ran, see the steps above.`,
    );
  }
  context.warn(`JUnit report written to ${path}`);
}

export const roundtripCommand: CommandSpec = {
  path: ['roundtrip'],
  summary:
    "Run the invite round trip between two profiles: A joins the preset's session and sets its activity, checks MPSD kept it, invites B; B reads the invite and joins through it; A's session shows B. Each step with status, HTTP status, correlation id and time; stops at the first failure with MPSD's words.",
  flags,
  notes: [
    'Exit codes: 0 every step passed; 5 MPSD refused a step (or its answer lacked what was expected); 6 network; 4 token; 2 usage; 3 validation.',
    'Run it in CI against a sandbox or the local MPSD (`handle-studio emulator start`) with two profiles whose tokens are stored (`profile set-token`).',
  ],
  examples: [
    'handle-studio roundtrip --from alpha --to bravo --preset friday-night --junit roundtrip.xml',
    'handle-studio roundtrip --from alpha --to bravo --preset friday-night --from-xuid 2814679796296491 --to-xuid 2814679796296492 --json',
  ],
  async run(context, values) {
    const [from, to, presetName] = [required(values, 'from'), required(values, 'to'), required(values, 'preset')];
    const activityCheckDelayMs = delay(values);
    const fromXuid = text(values, 'from-xuid');
    const toXuid = text(values, 'to-xuid');
    const trip = await callChannel(context, inviteeChannels, 'runRoundTrip', {
      fromProfileId: await profileIdByName(context, from),
      toProfileId: await profileIdByName(context, to),
      presetId: (await presetByName(context, presetName)).id,
      ...(fromXuid === undefined ? {} : { fromXuid }),
      ...(toXuid === undefined ? {} : { toXuid }),
      ...(activityCheckDelayMs === undefined ? {} : { activityCheckDelayMs }),
    });
    const junit = text(values, 'junit');
    const code = exitCodeForSteps(trip.steps);
    if (values['json'] === true) context.printJson({ exitCode: code, ...trip });
    else {
      const { scid, templateName, name } = trip.sessionRef;
      context.say(`Round trip ${from} -> ${to} in ${scid}/${templateName}/${name}`);
      context.say(stepLines(trip.steps).join('\n'));
      if (trip.inviteUri !== undefined) context.say(`Invite activation URI: ${trip.inviteUri}`);
      if (trip.joinUri !== undefined) context.say(`Join activation URI:   ${trip.joinUri}`);
      const passed = trip.steps.filter((step) => step.status === 'passed').length;
      context.say(
        trip.ok
          ? `Round trip passed: ${passed} of ${trip.steps.length} steps.`
          : `Round trip failed at step ${passed + 1} of ${trip.steps.length}.`,
      );
    }
    if (junit !== undefined) writeJunit(context, junit, from, to, trip);
    return code;
  },
};
