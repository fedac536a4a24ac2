/**
 * `handle-studio history`: the requests the app and the CLI have sent, newest first, from
 * the same history database the History screen reads. Entries hold no token.
 */
import { historyChannels, type HistoryFilter, type HistorySummary } from '../shared/contract/history.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { historyErrorCode, historyKindLabel, historyOutcomeLabel } from '../shared/history/request-words.ts';
import { recordedKinds } from '../shared/recorded-kinds.ts';
import type { CommandSpec, FlagSpec, FlagValues } from './command.ts';
import { callChannel } from './context.ts';
import { list, text } from './request-flags.ts';

const DEFAULT_LIMIT = 20;

/** Reads --limit: a whole number; the channel's schema says the allowed range. */
export function limitFromFlag(flag: string): number {
  if (!/^[0-9]{1,7}$/.test(flag.trim())) {
    throw new HandleStudioError('VALIDATION', '--limit must be a whole number, e.g. --limit 50.', { field: 'limit' });
  }
  return Number(flag);
}

function historyLine(entry: HistorySummary): string {
  const status = entry.status === undefined ? 'no answer' : String(entry.status);
  const who = entry.invitedXuid === undefined ? '' : ` to ${entry.invitedXuid}${entry.recipientLabel ? ` (${entry.recipientLabel})` : ''}`;
  const session = entry.sessionName === undefined ? '' : ` ${entry.templateName ?? ''}/${entry.sessionName}`;
  const ids = [entry.handleId && `handle ${entry.handleId}`, entry.correlationId && `correlation ${entry.correlationId}`]
    .filter(Boolean)
    .join('  ');
  const code = historyErrorCode(entry);
  const error = code === undefined ? '' : `  ${code}: ${entry.errorMessage ?? ''}`;
  // The app's words for the kind and outcome (History says the same); --json keeps the raw values.
  return `${entry.at}  ${historyKindLabel(entry).padEnd(22)} ${status.padEnd(9)} ${historyOutcomeLabel(entry).padEnd(15)}${session}${who}${ids ? `  ${ids}` : ''}${error}`;
}

/** The flags that narrow history, shared by `history` and `history export`. */
export const historyFilterFlags: Readonly<Record<string, FlagSpec>> = {
  search: { type: 'string', value: 'TEXT', help: 'Only entries mentioning this text (XUID, session, handle id, message...).' },
  kind: { type: 'string', multiple: true, value: 'KIND', help: `Only this request kind: ${recordedKinds.join(', ')}.` },
  status: { type: 'string', value: 'ok|error|outcome-unknown', help: 'Only entries with this outcome.' },
};

/** The filter the flags ask for. The schema checks kind and status and says what is allowed; the casts only pass the typed text on. */
export function historyFilterFromFlags(flags: FlagValues): HistoryFilter {
  const search = text(flags, 'search');
  const kinds = list(flags, 'kind');
  const status = text(flags, 'status');
  return {
    ...(search === undefined ? {} : { search }),
    ...(kinds.length === 0 ? {} : { kinds: kinds as (typeof recordedKinds)[number][] }),
    ...(status === undefined ? {} : { status: status as 'ok' }),
  };
}

export const historyCommand: CommandSpec = {
  path: ['history'],
  summary: 'List sent requests, newest first, with status, handle id and correlation id.',
  flags: {
    ...historyFilterFlags,
    limit: { type: 'string', value: 'N', help: `How many entries (default ${DEFAULT_LIMIT}, at most 500).` },
  },
  examples: ['handle-studio history --kind invite.send --limit 50', 'handle-studio history --search 2814679796296492 --json'],
  run: async (context, flags) => {
    const limit = text(flags, 'limit');
    const page = await callChannel(context, historyChannels, 'listHistory', {
      limit: limit === undefined ? DEFAULT_LIMIT : limitFromFlag(limit),
      ...historyFilterFromFlags(flags),
    });
    if (flags['json'] === true) {
      context.printJson({ ok: true, entries: page.entries, ...(page.nextCursor === undefined ? {} : { more: true }) });
      return 0;
    }
    if (page.entries.length === 0) context.say('No history entries match.');
    for (const entry of page.entries) context.say(historyLine(entry));
    if (page.nextCursor !== undefined) context.say(`(more entries: raise --limit or narrow with --search/--kind)`);
    return 0;
  },
};
