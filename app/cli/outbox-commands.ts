/**
 * `outbox list|flush|reassign|dismiss` and `draft list|send`: what is waiting to go out. The
 * outbox holds requests that could not be sent (offline, no valid token), one item per call;
 * an item whose profile is gone is sent as another profile (reassign) or dismissed. A draft
 * is a form saved in the app, sent from here with the same credentials rules as any request
 * (an MPA draft through core's sendMpa, as the `mpa ...` commands send).
 */
import { draftChannels, type Draft } from '../shared/contract/drafts.ts';
import { outboxChannels, outboxStates, type OutboxCounts, type OutboxItem } from '../shared/contract/outbox.ts';
import { requestFromDraft, type DraftTextField } from '../shared/drafts/draft-request.ts';
import { isMpaKind, mpaRequestFromDraft } from '../shared/drafts/mpa-draft-request.ts';
import type { MpaKind } from '../shared/mpa/requests.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { requestKindLabel } from '../shared/history/request-words.ts';
import { parseHandleRequest } from '../shared/mpsd/requests.ts';
import { UsageError, type CommandSpec, type FlagValues } from './command.ts';
import { callChannel, type CliContext } from './context.ts';
import { exitCodeForFlush } from './exit-codes.ts';
import { limitFromFlag } from './history-command.ts';
import { MIN_PREFIX, outboxItemId } from './outbox-item-id.ts';
import { checkMpaSteps, mpaCaller, sendMpaSteps } from './mpa-steps.ts';
import { list, text } from './request-flags.ts';
import { reportSend } from './send-report.ts';
import { AUTHORIZATION_NOTE, profileIdByName, senderFlags, sendWithFlags } from './send.ts';

function countsLine(counts: OutboxCounts): string {
  return outboxStates.map((state) => `${counts[state]} ${state}`).join(', ');
}

/** Which profile sends it; one that is gone is named by its last known name, with the way out. */
function profileWords(item: OutboxItem): string {
  const name = item.profileName === undefined ? undefined : `"${item.profileName}"`;
  if (item.profileMissing !== true) return name === undefined ? '' : `  as ${name}`;
  const gone = name === undefined ? `a profile that is gone (id ${item.profileId})` : `profile ${name}, which is gone`;
  const stuck = item.state === 'queued' ? ': `outbox reassign ITEM --profile NAME` sends it as another one, or `outbox dismiss ITEM`' : '';
  return `  from ${gone}${stuck}`;
}

function outboxLine(item: OutboxItem): string {
  const who = item.invitedXuid === undefined ? '' : ` to ${item.invitedXuid}${item.label ? ` (${item.label})` : ''}`;
  const error = item.lastError === undefined ? '' : `  ${item.lastError.code}: ${item.lastError.message}`;
  const handle = item.handleId === undefined ? '' : `  handle ${item.handleId}`;
  const next = item.nextAttemptAt === undefined ? '' : `  next attempt ${item.nextAttemptAt}`;
  return `${item.id}  ${item.state.padEnd(15)} ${requestKindLabel(item.kind)}${who}${profileWords(item)}  attempts ${item.attempts}  since ${item.createdAt}${next}${handle}${error}`;
}

/** Problems around the outbox (a damaged row, a result another process took over) go to stderr, never dropped. */
function warnAll(context: CliContext, warnings: readonly { code: string; message: string }[] | undefined): void {
  for (const warning of warnings ?? []) context.warn(`Warning: ${warning.code}: ${warning.message}`);
}

/** Items no flush can send (their profile is gone) are named with the command that sends them, not left to wait in silence. */
async function warnOrphans(context: CliContext): Promise<void> {
  const { items } = await callChannel(context, outboxChannels, 'listOutbox', { states: ['queued'] });
  const orphans = items.filter((item) => item.profileMissing === true);
  if (orphans.length === 0) return;
  const names = [...new Set(orphans.map((item) => (item.profileName === undefined ? `id ${item.profileId}` : `"${item.profileName}"`)))];
  context.warn(
    `${orphans.length} queued item(s) wait for a profile that is gone (${names.join(', ')}): \`handle-studio outbox reassign --all-from-missing --profile NAME\` sends them as another profile; \`handle-studio outbox dismiss ITEM\` removes one.`,
  );
}

const outboxList: CommandSpec = {
  path: ['outbox', 'list'],
  summary: 'List requests waiting in the outbox (oldest first) and how many are in each state.',
  flags: {
    state: { type: 'string', multiple: true, value: 'STATE', help: `Only items in this state: ${outboxStates.join(', ')}.` },
    limit: { type: 'string', value: 'N', help: 'At most this many items (up to 1000).' },
  },
  examples: ['handle-studio outbox list', 'handle-studio outbox list --state outcome-unknown --json'],
  run: async (context, flags) => {
    const states = list(flags, 'state');
    const limit = text(flags, 'limit');
    const listed = await callChannel(context, outboxChannels, 'listOutbox', {
      // The channel's schema checks the state names and says which exist.
      ...(states.length === 0 ? {} : { states: states as OutboxItem['state'][] }),
      ...(limit === undefined ? {} : { limit: limitFromFlag(limit, 1000) }),
    });
    if (flags['json'] === true) {
      context.printJson({ ok: true, items: listed.items, counts: listed.counts, ...(listed.damaged ? { damaged: listed.damaged } : {}) });
      return 0;
    }
    for (const item of listed.items) context.say(outboxLine(item));
    context.say(`Outbox: ${countsLine(listed.counts)}.`);
    warnAll(
      context,
      listed.damaged?.map((row) => ({ code: 'STORAGE', message: row.problem })),
    );
    return 0;
  },
};

const outboxFlush: CommandSpec = {
  path: ['outbox', 'flush'],
  summary: "Try to send every queued item now, one at a time, each with its own profile's token.",
  flags: {},
  notes: [
    'Items whose outcome is unknown are never resent by a flush: check history, then requeue them in the app if they did not arrive.',
    'Items whose profile is gone wait: `outbox reassign` sends them as another profile, `outbox dismiss` removes one.',
    'An item MPSD asked to hold (a long Retry-After) waits until the time `outbox list` shows. Ctrl+C stops the flush: the request in flight is finished and recorded, the rest stays queued.',
  ],
  examples: ['handle-studio outbox flush', 'handle-studio outbox flush --json'],
  run: async (context, flags) => {
    const cancel = () => void callChannel(context, outboxChannels, 'cancelOutboxFlush', {}).catch(() => undefined);
    context.signal.addEventListener('abort', cancel, { once: true });
    let summary;
    try {
      summary = await callChannel(context, outboxChannels, 'flushOutbox', {});
    } finally {
      context.signal.removeEventListener('abort', cancel);
    }
    const exitCode = exitCodeForFlush(summary);
    warnAll(context, summary.warnings);
    if (flags['json'] === true) {
      context.printJson({ ok: exitCode === 0, exitCode, ...summary });
      return exitCode;
    }
    if (summary.attempted === 0) context.say('Nothing queued to send.');
    else {
      context.say(
        `Sent ${summary.sent} of ${summary.attempted}; ${summary.failed} failed, ${summary.retryLater} still waiting (offline or no token), ${summary.outcomeUnknown} outcome unknown.`,
      );
    }
    if (summary.cancelled) context.warn('Stopped (cancelled): what was not attempted stays queued.');
    context.say(`Outbox: ${countsLine(summary.counts)}.`);
    if (summary.counts.queued > 0) await warnOrphans(context);
    return exitCode;
  },
};

const ITEM_NOTE = `ITEM is the item's id as \`outbox list\` shows it, or a start of it (at least ${MIN_PREFIX} characters) that no other item's id shares.`;

const outboxReassign: CommandSpec = {
  path: ['outbox', 'reassign'],
  summary: 'Send queued items as another profile of the same service: one ITEM, or every item whose profile is gone.',
  positionals: ['ITEM?'],
  flags: {
    profile: {
      type: 'string',
      value: 'NAME',
      help: 'The profile that sends them from now on: MPSD items need an MPSD profile, MPA items an MPA profile.',
    },
    'all-from-missing': {
      type: 'boolean',
      help: 'Instead of one ITEM: every queued item whose profile is gone (removed, or profiles.json lost) and whose service the profile serves.',
    },
  },
  notes: [
    ITEM_NOTE,
    'Only queued items move: an item being sent, or whose outcome is unknown, may have gone out already and stays as it is. Moved items go out at the next flush (the app flushes by itself).',
  ],
  examples: ['handle-studio outbox reassign --all-from-missing --profile dev', 'handle-studio outbox reassign ITEM --profile dev --json'],
  run: async (context, flags, [item]) => {
    const profileName = text(flags, 'profile');
    if (profileName === undefined)
      throw new UsageError('Missing --profile NAME: the profile that sends the items from now on.', outboxReassign);
    const allFromMissing = flags['all-from-missing'] === true;
    if ((item === undefined) === !allFromMissing) {
      throw new UsageError('Give one ITEM (its id, from `handle-studio outbox list`) or --all-from-missing, not both.', outboxReassign);
    }
    const profileId = await profileIdByName(context, profileName);
    const moved = await callChannel(context, outboxChannels, 'reassignOutboxItems', {
      profileId,
      ...(item === undefined ? { fromMissingProfiles: true } : { ids: [await outboxItemId(context, item)] }),
    });
    warnAll(
      context,
      moved.skipped.map((skip) => ({ code: 'VALIDATION', message: `Outbox item ${skip.id} was left where it is: ${skip.reason}.` })),
    );
    if (flags['json'] === true) {
      context.printJson({ ok: true, ...moved });
      return 0;
    }
    if (moved.items.length === 0) context.say('No queued item is waiting for a profile that is gone.');
    else {
      const count = moved.items.length === 1 ? '1 item' : `${moved.items.length} items`;
      context.say(
        `Moved ${count} to profile "${moved.items[0]!.profileName ?? profileName}": sent at the next flush (\`handle-studio outbox flush\`).`,
      );
    }
    for (const each of moved.items) context.say(outboxLine(each));
    context.say(`Outbox: ${countsLine(moved.counts)}.`);
    return 0;
  },
};

const outboxDismiss: CommandSpec = {
  path: ['outbox', 'dismiss'],
  summary: 'Remove one item from the outbox (a queued one is then never sent). An item being sent cannot be removed.',
  positionals: ['ITEM'],
  flags: {},
  notes: [ITEM_NOTE],
  examples: ['handle-studio outbox dismiss ITEM', 'handle-studio outbox dismiss 3f2a9c'],
  run: async (context, flags, [item]) => {
    // ITEM is required: the parser never runs this without it.
    const id = await outboxItemId(context, item ?? '');
    const { counts } = await callChannel(context, outboxChannels, 'dismissOutboxItem', { id });
    if (flags['json'] === true) {
      context.printJson({ ok: true, id, counts });
      return 0;
    }
    context.say(`Dismissed ${id}.`);
    context.say(`Outbox: ${countsLine(counts)}.`);
    return 0;
  },
};

/** A draft by id, or by name (exact, then ignoring case). */
async function findDraft(context: CliContext, nameOrId: string): Promise<Draft> {
  const { drafts, unreadable } = await callChannel(context, draftChannels, 'listDrafts', {});
  const wanted = nameOrId.trim();
  const named = <T extends { id: string; name: string }>(among: T[]): T | undefined =>
    among.find((draft) => draft.id === wanted) ??
    among.find((draft) => draft.name === wanted) ??
    among.find((draft) => draft.name.toLowerCase() === wanted.toLowerCase());
  const found = named(drafts);
  // A draft that is there but cannot be read: opening it says so (STORAGE naming it), not "no such draft".
  const damaged = found === undefined ? named(unreadable) : undefined;
  if (damaged !== undefined) return callChannel(context, draftChannels, 'getDraft', { id: damaged.id });
  if (found === undefined) {
    throw new HandleStudioError('VALIDATION', `There is no draft named "${wanted.slice(0, 100)}": see \`handle-studio draft list\`.`, {
      field: 'draft',
    });
  }
  return found;
}

/** Compose's labels for the boxes whose lines are read one by one, so the message points at what the user sees. */
const BOX_LABELS: Partial<Record<DraftTextField, string>> = { searchStrings: 'String attributes', searchNumbers: 'Number attributes' };

function boxLabel(field: DraftTextField): string {
  return BOX_LABELS[field] ?? field;
}

const draftList: CommandSpec = {
  path: ['draft', 'list'],
  summary: 'List drafts saved in the app, most recently changed first.',
  flags: {},
  examples: ['handle-studio draft list --json'],
  run: async (context, flags) => {
    const { drafts, unreadable } = await callChannel(context, draftChannels, 'listDrafts', {});
    if (flags['json'] === true) {
      context.printJson({ ok: true, drafts, unreadable });
      return 0;
    }
    if (drafts.length === 0 && unreadable.length === 0) context.say('No drafts.');
    for (const draft of drafts)
      context.say(`${draft.id}  ${requestKindLabel(draft.kind).padEnd(22)} ${draft.name}  (changed ${draft.updatedAt})`);
    for (const draft of unreadable) context.say(`${draft.id}  ${'cannot be read'.padEnd(22)} ${draft.name}  (${draft.reason})`);
    return 0;
  },
};

/**
 * An MPA draft: read as the MPA request it describes, your own XUID (set and delete name it in
 * the path) from the profile or --xuid when the draft leaves it blank, then one sendMpa call.
 */
async function sendMpaDraft(context: CliContext, flags: FlagValues, draft: Draft & { kind: MpaKind }): Promise<number> {
  const caller = await mpaCaller(context, draftSend, flags);
  const { request } = mpaRequestFromDraft(draft);
  const ownXuid = draft.kind === 'mpa.activity.set' || draft.kind === 'mpa.activity.delete' || draft.kind === 'mpa.activity.get';
  const step: Record<string, unknown> =
    ownXuid && !('xuid' in request) && caller.xuid !== undefined ? { ...request, xuid: caller.xuid } : request;
  checkMpaSteps([step], (reason) => `Draft "${draft.name}" cannot be sent yet: ${reason} Finish it in the app's Compose screen.`);
  return sendMpaSteps(context, flags, caller, [step]);
}

const draftSend: CommandSpec = {
  path: ['draft', 'send'],
  summary: 'Send a draft saved in the app (by name or id). It is checked first; a draft with a mistake is not sent.',
  positionals: ['NAME'],
  flags: {
    ...senderFlags,
    queue: { type: 'boolean', help: 'With --profile: put what cannot be sent now in the outbox and exit 0.' },
    xuid: {
      type: 'string',
      value: 'XUID',
      help: "An MPA draft that sets, reads or deletes your activity and leaves the XUID blank: your own (default: the profile's).",
    },
  },
  notes: [AUTHORIZATION_NOTE],
  examples: ['handle-studio draft send "lobby invites" --profile dev --json'],
  run: async (context, flags, [name]) => {
    const found = await findDraft(context, name!);
    if (isMpaKind(found.kind)) return sendMpaDraft(context, flags, { ...found, kind: found.kind });
    const draft = { ...found, kind: found.kind };
    const { request, recipientLabels, unreadable } = requestFromDraft(draft);
    // A box with a line that cannot be read at all: the schema would only say the box is not a map,
    // so name the box and the line (requestFromDraft's message says how to write it).
    const lines = (Object.keys(unreadable) as DraftTextField[]).map((box) => `${boxLabel(box)}: ${unreadable[box]}`);
    if (lines.length > 0) {
      throw new HandleStudioError(
        'VALIDATION',
        `Draft "${draft.name}" cannot be sent yet: ${lines.join(' ')} Fix it in the app's Compose screen.`,
      );
    }
    try {
      parseHandleRequest(request);
    } catch (thrown) {
      // Say it in the draft's terms: its fields were typed in the app, not given as flags.
      const reason = thrown instanceof HandleStudioError ? thrown.message : 'it is not a valid request.';
      throw new HandleStudioError(
        'VALIDATION',
        `Draft "${draft.name}" cannot be sent yet: ${reason} Finish it in the app's Compose screen.`,
      );
    }
    const result = await sendWithFlags(context, draftSend, flags, { request, recipientLabels, queue: flags['queue'] === true });
    return reportSend(context, result, flags['json'] === true);
  },
};

export const outboxCommands: CommandSpec[] = [outboxList, outboxFlush, outboxReassign, outboxDismiss];
export const draftCommands: CommandSpec[] = [draftList, draftSend];
