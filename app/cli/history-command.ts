/**
 * `handle-studio history`: the requests the app and the CLI have sent, newest first, from
 * the same history database the History screen reads. Entries hold no token.
 */
import { historyChannels, historyOutcomes, type HistoryFilter, type HistorySummary } from '../shared/contract/history.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { historyErrorCode, historyKindLabel, historyOutcomeLabel } from '../shared/history/request-words.ts';
import { recordedKinds } from '../shared/recorded-kinds.ts';
import type { CommandSpec, FlagSpec, FlagValues } from './command.ts';
import { callChannel } from './context.ts';
import { list, text } from './request-flags.ts';

const DEFAULT_LIMIT = 20;

/** The most entries one page holds (the listHistory channel's own limit). */
const MAX_LIMIT = 500;

/** Reads --limit: a whole number from 1 to `max` (the channel's own bound), said in the flag's words. */
export function limitFromFlag(flag: string, max: number): number {
  const typed = flag.trim();
  if (!/^[0-9]+$/.test(typed)) {
    throw new HandleStudioError('VALIDATION', '--limit must be a whole number, e.g. --limit 50.', { field: 'limit' });
  }
  const limit = Number(typed);
  if (limit < 1 || limit > max) {
    throw new HandleStudioError(
      'VALIDATION',
      `--limit must be from 1 to ${max} (got ${typed.length > 12 ? `${typed.slice(0, 12)}…` : typed}).`,
      {
        field: 'limit',
      },
    );
  }
  return limit;
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

/** `value` when it is one of `allowed`; else VALIDATION naming the flag and every allowed value. */
function oneOf<T extends string>(flag: string, allowed: readonly T[], value: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found !== undefined) return found;
  throw new HandleStudioError('VALIDATION', `${flag} "${value.slice(0, 60)}" is not one of: ${allowed.join(', ')}.`, {
    field: flag.replace(/^--/, ''),
  });
}

/** The filter the flags ask for; a kind or status that is not allowed is refused in the flag's own words. */
export function historyFilterFromFlags(flags: FlagValues): HistoryFilter {
  const search = text(flags, 'search');
  const kinds = list(flags, 'kind').map((kind) => oneOf('--kind', recordedKinds, kind));
  const status = text(flags, 'status');
  return {
    ...(search === undefined ? {} : { search }),
    ...(kinds.length === 0 ? {} : { kinds }),
    ...(status === undefined ? {} : { status: oneOf('--status', historyOutcomes, status) }),
  };
}

export const historyCommand: CommandSpec = {
  path: ['history'],
  summary: 'List sent requests, newest first, with status, handle id and correlation id.',
  flags: {
    ...historyFilterFlags,
    limit: { type: 'string', value: 'N', help: `How many entries (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}).` },
  },
  examples: ['handle-studio history --kind invite.send --limit 50', 'handle-studio history --search 2814679796296492 --json'],
  run: async (context, flags) => {
    const limit = text(flags, 'limit');
    const page = await callChannel(context, historyChannels, 'listHistory', {
      limit: limit === undefined ? DEFAULT_LIMIT : limitFromFlag(limit, MAX_LIMIT),
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
