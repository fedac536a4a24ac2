/**
 * The commands that call MPSD: `activity set|get|clear|query`, `invite send` and
 * `session join|get|leave` (the `handle ...` commands are in handle-commands.ts). Each one
 * turns its flags into the shared request model and sends it through `sendWithFlags`, so
 * the CLI makes exactly the calls the app makes for the same request.
 */
import type { SendResult } from '../shared/contract/requests.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { contractVersionsFor, describeContractVersions } from '../shared/mpsd/contract-versions.ts';
import type { HandleRequestInput } from '../shared/mpsd/requests.ts';
import type { RequestKind } from '../shared/mpsd/wire.ts';
import type { CommandSpec, FlagSpec, FlagValues } from './command.ts';
import type { CliContext } from './context.ts';
import { exitCodeForSend } from './exit-codes.ts';
import { reportHandleQuery, type SendReporter } from './handle-report.ts';
import { presetInviteRequest, senderProfile } from './preset-commands.ts';
import {
  inviteFlags,
  labelsForRequest,
  list,
  parseRequestFromFlags,
  recipientsFromFlags,
  sessionFlags,
  sessionRefFromFlags,
  text,
  withoutUndefined,
} from './request-flags.ts';
import { reportSend, sendJson } from './send-report.ts';
import { AUTHORIZATION_NOTE, senderFlags, sendWithFlags } from './send.ts';
import { checkBeforeInvite, checkFlags } from './session-check-command.ts';

const xuidFlag = { xuid: { type: 'string', value: 'XUID', help: 'Your own XUID (the signed-in user).' } } as const satisfies Record<
  string,
  FlagSpec
>;

export const LOCAL = 'http://127.0.0.1:7777';
export const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

/** What a command sends: optional steps first (a preset's join and activity), then its request. */
interface PlannedSend {
  before?: HandleRequestInput[];
  request: HandleRequestInput;
  recipientLabels?: Record<string, string> | undefined;
  queue?: boolean;
}

/**
 * `--contract` as one call takes it: only the versions that call supports are offered
 * (see contract-versions.ts), and the help says which.
 */
function contractFlag(kind: RequestKind): FlagSpec {
  return {
    type: 'string',
    value: contractVersionsFor(kind).join('|'),
    help: `x-xbl-contract-version with XBL_AUTHORIZATION: ${describeContractVersions(kind)} for this call (default 107).`,
  };
}

/** Refuses a --contract the call does not support before anything is sent (exit 3). */
function checkContractFlag(kind: RequestKind, flags: FlagValues): void {
  const typed = text(flags, 'contract')?.trim();
  if (typed === undefined || contractVersionsFor(kind).some((version) => String(version) === typed)) return;
  throw new HandleStudioError(
    'VALIDATION',
    `--contract: ${kind} calls are sent with contract version ${describeContractVersions(kind)}, not "${typed.slice(0, 20)}".`,
    { field: 'contract' },
  );
}

/** Runs right before the request goes out (after any steps before it); an exit code stops the command there. */
type SendCheck = (context: CliContext, flags: FlagValues, request: HandleRequestInput, command: CommandSpec) => Promise<number | undefined>;

/**
 * A command that builds its request from its flags and sends it. `kind` is the call it makes
 * (for the --contract choices); `report` replaces the usual report for commands whose answer
 * needs reading (queries, joins through a handle).
 */
export function requestCommand(
  spec: Omit<CommandSpec, 'run' | 'notes' | 'flags'> & {
    flags: Record<string, FlagSpec>;
    kind: RequestKind;
    report?: SendReporter;
    check?: SendCheck;
  },
  build: (flags: FlagValues, context: CliContext) => Promise<PlannedSend>,
): CommandSpec {
  const { kind, report = reportSend, check, ...shown } = spec;
  const command: CommandSpec = {
    ...shown,
    flags: { ...spec.flags, ...senderFlags, contract: contractFlag(kind) },
    notes: [AUTHORIZATION_NOTE],
    run: async (context, flags) => {
      checkContractFlag(kind, flags);
      const plan = await build(flags, context);
      const json = flags['json'] === true;
      // Check everything before the first call, so a bad invite does not leave a joined session behind.
      for (const step of [...(plan.before ?? []), plan.request]) parseRequestFromFlags(step);
      const done: SendResult[] = [];
      for (const step of plan.before ?? []) {
        // With --queue the steps queue too, so the outbox later sends join, activity and invites in order.
        const result = await sendWithFlags(context, command, flags, { request: step, ...(plan.queue === true ? { queue: true } : {}) });
        done.push(result);
        if (!json) reportSend(context, result, false);
        if (exitCodeForSend(result) !== 0) {
          if (json)
            context.printJson({
              ...sendJson(result, exitCodeForSend(result)),
              before: done.slice(0, -1).map((earlier) => sendJson(earlier, 0)),
            });
          context.warn(`Stopped before ${plan.request.kind}: the ${step.kind} step did not succeed.`);
          return exitCodeForSend(result);
        }
      }
      const stop = await check?.(context, flags, plan.request, command);
      if (stop !== undefined) return stop;
      const result = await sendWithFlags(context, command, flags, plan);
      if (!json || done.length === 0) return report(context, result, json);
      const exitCode = exitCodeForSend(result);
      context.printJson({ ...sendJson(result, exitCode), before: done.map((earlier) => sendJson(earlier, 0)) });
      return exitCode;
    },
  };
  return command;
}

const activitySet = requestCommand(
  {
    path: ['activity', 'set'],
    kind: 'activity.set',
    summary: 'Set your activity (POST /handles, type activity). You must be an active member of the session: join it first.',
    flags: {
      ...sessionFlags,
      'let-service-name': { type: 'boolean', help: 'Leave --session out and let MPSD name the session (a GUID).' },
    },
    examples: [
      `XBL_AUTHORIZATION="$AUTH" handle-studio session join --scid ${SCID} --template GameSession --session lobby-7 --xuid 2814679796296491 --endpoint ${LOCAL}`,
      `XBL_AUTHORIZATION="$AUTH" handle-studio activity set --scid ${SCID} --template GameSession --session lobby-7 --endpoint ${LOCAL}`,
    ],
  },
  async (flags) => ({
    request: {
      kind: 'activity.set',
      sessionRef: sessionRefFromFlags(flags),
      ...(flags['let-service-name'] === true ? { letServiceNameSession: true } : {}),
    } as HandleRequestInput,
  }),
);

const activityGet = requestCommand(
  {
    path: ['activity', 'get'],
    kind: 'activity.query',
    report: reportHandleQuery,
    summary: "Show one user's activity in a service config (POST /handles/query for that XUID), and whether its session can be joined.",
    flags: { scid: sessionFlags.scid, xuid: { type: 'string', value: 'XUID', help: 'Whose activity to show.' } },
    examples: [`handle-studio activity get --scid ${SCID} --xuid 2814679796296491 --profile dev`],
  },
  async (flags) => ({
    request: {
      kind: 'activity.query',
      ...withoutUndefined({ scid: text(flags, 'scid') }),
      // One user: the query answers that user's activity handle, or none.
      xuids: [text(flags, 'xuid')],
    } as HandleRequestInput,
  }),
);

const activityClear = requestCommand(
  {
    path: ['activity', 'clear'],
    kind: 'activity.clear',
    summary: 'Clear your activity in a service config: finds your activity handle and deletes it.',
    flags: { scid: sessionFlags.scid, ...xuidFlag },
    examples: [`handle-studio activity clear --scid ${SCID} --xuid 2814679796296491 --profile dev`],
  },
  async (flags) => ({
    request: {
      kind: 'activity.clear',
      ...withoutUndefined({ scid: text(flags, 'scid'), ownerXuid: text(flags, 'xuid') }),
    } as HandleRequestInput,
  }),
);

const monikers = ['people', 'favorites', 'friends'];

const activityQuery = requestCommand(
  {
    path: ['activity', 'query'],
    kind: 'activity.query',
    report: reportHandleQuery,
    summary:
      'Find activities in a service config: of the given XUIDs (up to 100), or of the people a user follows (--moniker); each says whether its session can be joined and why not.',
    flags: {
      scid: sessionFlags.scid,
      xuid: {
        type: 'string',
        multiple: true,
        value: 'XUID',
        help: 'A user whose activity to find; with --moniker, the one user whose list to use.',
      },
      moniker: { type: 'string', value: monikers.join('|'), help: "Query the activities of that user's people, favorites or friends." },
    },
    examples: [
      `handle-studio activity query --scid ${SCID} --xuid 2814679796296491 --xuid 2814679796296492 --profile dev --json`,
      `handle-studio activity query --scid ${SCID} --moniker people --xuid 2814679796296491 --profile dev`,
    ],
  },
  async (flags) => {
    const xuids = list(flags, 'xuid');
    const moniker = text(flags, 'moniker');
    const scid = withoutUndefined({ scid: text(flags, 'scid') });
    if (moniker === undefined) return { request: { kind: 'activity.query', ...scid, xuids } as HandleRequestInput };
    if (xuids.length > 1) {
      throw new HandleStudioError(
        'VALIDATION',
        '--moniker takes exactly one --xuid: the user whose people, favorites or friends to look at.',
      );
    }
    return {
      request: {
        kind: 'activity.query',
        ...scid,
        people: { moniker, ...withoutUndefined({ monikerXuid: xuids[0] }) },
      } as HandleRequestInput,
    };
  },
);

const inviteSend = requestCommand(
  {
    path: ['invite', 'send'],
    kind: 'invite.send',
    summary: 'Invite people to a session: one POST /handles (type invite) per invitee, in the order given.',
    flags: {
      ...inviteFlags,
      preset: { type: 'string', value: 'NAME', help: 'Start from a saved preset; flags given here override it, --to adds invitees.' },
      xuid: { type: 'string', value: 'XUID', help: 'Your own XUID: refuses inviting yourself; needed by presets that join first.' },
      queue: { type: 'boolean', help: 'With --profile: put what cannot be sent now (offline, no valid token) in the outbox and exit 0.' },
      check: {
        type: 'boolean',
        help: 'Pre-flight first (as `session check` does, per invitee): stop with exit 8 and send nothing when a finding blocks or warns.',
      },
      'send-anyway': { type: 'boolean', help: 'With --check: print the findings and send regardless.' },
      ...checkFlags,
    },
    check: checkBeforeInvite,
    examples: [
      `XBL_AUTHORIZATION="$AUTH" handle-studio invite send --scid ${SCID} --template GameSession --session lobby-7 --title-id 0x4D2 --to 2814679796296492=Alice --to 2814679796296493 --endpoint ${LOCAL} --json`,
      'handle-studio invite send --preset friday-night --to 2814679796296494 --profile dev --queue',
    ],
  },
  async (flags, context) => {
    const recipients = recipientsFromFlags(list(flags, 'to'));
    const typed = withoutUndefined({
      sessionRef: Object.keys(sessionRefFromFlags(flags)).length > 0 ? sessionRefFromFlags(flags) : undefined,
      titleId: text(flags, 'title-id'),
      context: text(flags, 'context'),
      contextString: text(flags, 'context-string'),
      senderString: text(flags, 'sender-string'),
    });
    const senderXuid = text(flags, 'xuid');
    const presetName = text(flags, 'preset');
    if (presetName !== undefined) {
      const planned = await presetInviteRequest(context, presetName, typed, recipients, senderXuid, () => senderProfile(context, flags));
      const request = senderXuid === undefined ? planned.request : ({ ...planned.request, senderXuid } as HandleRequestInput);
      return { ...planned, request, queue: flags['queue'] === true };
    }
    return {
      request: {
        kind: 'invite.send',
        ...typed,
        sessionRef: sessionRefFromFlags(flags),
        invitedXuids: recipients.xuids,
        ...withoutUndefined({ senderXuid }),
      } as HandleRequestInput,
      recipientLabels: labelsForRequest(recipients),
      queue: flags['queue'] === true,
    };
  },
);

function sessionCommand(verb: 'join' | 'get' | 'leave', summary: string): CommandSpec {
  return requestCommand(
    {
      path: ['session', verb],
      kind: `session.${verb}`,
      summary,
      flags: verb === 'join' ? { ...sessionFlags, ...xuidFlag } : sessionFlags,
      examples: [
        `handle-studio session ${verb} --scid ${SCID} --template GameSession --session lobby-7${verb === 'join' ? ' --xuid 2814679796296491' : ''} --profile dev`,
      ],
    },
    async (flags) => ({
      request: {
        kind: `session.${verb}`,
        sessionRef: sessionRefFromFlags(flags),
        ...(verb === 'join' ? withoutUndefined({ xuid: text(flags, 'xuid') }) : {}),
      } as HandleRequestInput,
    }),
  );
}

export const requestCommands: CommandSpec[] = [
  activitySet,
  activityGet,
  activityClear,
  activityQuery,
  inviteSend,
  sessionCommand('join', 'Create or join a session as an active member (PUT .../sessions/{name}); needed before activity set.'),
  sessionCommand('get', 'Read a session document (GET .../sessions/{name}).'),
  sessionCommand('leave', 'Leave a session (DELETE .../members/me); MPSD then drops your activity in it.'),
];
