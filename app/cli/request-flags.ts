/**
 * From command-line flags to the request model the app speaks (`HandleRequestInput`), and
 * back from the model's field names to flags, so a validation message says `--scid: ...`
 * rather than `sessionRef.scid: ...`. The values themselves are checked by the shared
 * request schema, exactly as the app checks what the Compose form sends.
 */
import { HandleStudioError } from '../shared/errors.ts';
import { fieldProblems, problemsInWords } from '../shared/validation.ts';
import { handleRequestSchema, type HandleRequest, type HandleRequestInput } from '../shared/mpsd/requests.ts';
import { hiddenCharacterProblem } from '../shared/visible-text.ts';
import type { FlagSpec, FlagValues } from './command.ts';

/** The flags that name a session: every command that addresses one takes these. */
export const sessionFlags = {
  scid: { type: 'string', value: 'GUID', help: 'Service configuration id (Partner Center > Xbox services); sent in the case typed.' },
  template: { type: 'string', value: 'NAME', help: 'Session template name, e.g. GameSession (letters, digits, - _ .).' },
  session: { type: 'string', value: 'NAME', help: 'Session name, e.g. lobby-7 (letters, digits, - _ .).' },
} as const satisfies Record<string, FlagSpec>;

export const inviteFlags = {
  ...sessionFlags,
  'title-id': { type: 'string', value: 'ID', help: 'Title id in decimal (1234) or hex (0x4D2).' },
  to: {
    type: 'string',
    multiple: true,
    value: 'XUID[=label]',
    help: 'Who to invite; a label (e.g. a gamertag) after "=" shows in history and output.',
  },
  context: { type: 'string', value: 'TEXT', help: 'Title-defined invite context (at most 256 characters once URI-encoded).' },
  'context-string': {
    type: 'string',
    value: '///ID',
    help: 'Id of a custom invite string defined at ingestion (Partner Center), with its /// prefix, e.g. ///JoinMyRaid; shown in the toast. Not free text: use --context for that.',
  },
  'sender-string': {
    type: 'string',
    value: 'TEXT',
    help: 'For service senders only: the sender name MPSD shows when a service, not a user, sends the invite.',
  },
} as const satisfies Record<string, FlagSpec>;

/** Which flag sets each request field, for messages. `invitedXuids.2` is the third --to. */
const flagByField: Record<string, string> = {
  'sessionRef.scid': '--scid',
  'sessionRef.templateName': '--template',
  'sessionRef.name': '--session',
  scid: '--scid',
  invitedXuids: '--to',
  titleId: '--title-id',
  context: '--context',
  contextString: '--context-string',
  senderString: '--sender-string',
  handleId: '--handle',
  xuid: '--xuid',
  ownerXuid: '--xuid',
  xuids: '--xuid',
  'people.monikerXuid': '--xuid',
  'people.moniker': '--moniker',
  people: '--moniker',
  active: '--active',
  templateName: '--template',
  'originSessionRef.scid': '--origin-scid',
  'originSessionRef.templateName': '--origin-template',
  'originSessionRef.name': '--origin-session',
  'searchAttributes.tags': '--tag',
  'searchAttributes.strings': '--string',
  'searchAttributes.numbers': '--number',
  filter: '--filter',
  orderBy: '--order-by',
};

/**
 * The flag for a request field path such as `invitedXuids.1` or `searchAttributes.strings.Map`:
 * the longest leading part of the path that a flag sets, or the path itself when none does.
 */
export function flagForField(field: string): string {
  const parts = field.split('.');
  for (let length = parts.length; length > 0; length--) {
    const flag = flagByField[parts.slice(0, length).join('.')];
    if (flag !== undefined) return flag;
  }
  return field;
}

/**
 * Parses a request built from flags with the app's schema. Throws VALIDATION whose message
 * names the flag to fix (and keeps the per-field problems in details for --json).
 */
export function parseRequestFromFlags(input: HandleRequestInput): HandleRequest {
  const parsed = handleRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = fieldProblems(parsed.error).map((problem) => ({ ...problem, flag: flagForField(problem.field) }));
  const message = problemsInWords(
    problems.map(({ flag, message }) => ({ where: flag, message })),
    'The request is not valid.',
  );
  throw new HandleStudioError('VALIDATION', message, { fields: problems });
}

/** A single-valued string flag (parseArgs already refused a repeated single flag's type). */
export function text(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string flag; empty when not given. */
export function list(flags: FlagValues, name: string): string[] {
  const value = flags[name];
  return Array.isArray(value) ? value : [];
}

/** `--scid`, `--template`, `--session` as a sessionRef (missing parts left for the schema to name). */
export function sessionRefFromFlags(flags: FlagValues): { scid?: string; templateName?: string; name?: string } {
  return withoutUndefined({ scid: text(flags, 'scid'), templateName: text(flags, 'template'), name: text(flags, 'session') });
}

export interface Recipients {
  xuids: string[];
  /** XUID as typed → label; the schema canonicalises XUIDs, so labels are re-keyed after parsing. */
  labels: Map<string, string>;
}

/** Reads `--to XUID` and `--to XUID=label` values, in the order given. */
export function recipientsFromFlags(values: readonly string[]): Recipients {
  const recipients: Recipients = { xuids: [], labels: new Map() };
  for (const value of values) {
    const split = value.indexOf('=');
    const xuid = (split === -1 ? value : value.slice(0, split)).trim();
    recipients.xuids.push(xuid);
    if (split === -1) continue;
    const label = value.slice(split + 1).trim();
    if (label === '') {
      throw new HandleStudioError(
        'VALIDATION',
        `--to ${xuid}=: the label after "=" is empty; give a name (e.g. --to ${xuid}=Alice) or leave out the "=".`,
      );
    }
    if (label.length > 100) {
      throw new HandleStudioError('VALIDATION', `--to ${xuid}=...: a label is at most 100 characters.`);
    }
    const hidden = hiddenCharacterProblem(label);
    if (hidden !== undefined) throw new HandleStudioError('VALIDATION', `--to ${xuid}=...: the label ${hidden}.`);
    recipients.labels.set(xuid, label);
  }
  return recipients;
}

/**
 * Labels keyed by the canonical XUIDs the request ended up with (`007` typed becomes `7`),
 * as the sendRequest contract wants them.
 */
export function labelsForRequest(recipients: Recipients): Record<string, string> | undefined {
  if (recipients.labels.size === 0) return undefined;
  const labels: Record<string, string> = {};
  for (const [typed, label] of recipients.labels) {
    if (/^[0-9]{1,20}$/.test(typed)) labels[BigInt(typed).toString()] = label;
  }
  return labels;
}

/** Drops undefined properties so absent flags stay absent (strict schemas refuse nothing extra, but say "required" for missing). */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, part]) => part !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
