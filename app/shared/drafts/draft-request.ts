/**
 * A draft (the Compose form's fields as typed) read as a request. Compose builds its live
 * request here from what is in the form, and the CLI sends a saved draft through the same
 * function, so a draft means the same request wherever it is sent. Nothing is checked here:
 * the request schema judges the result, as the drafts contract promises. The one exception
 * is text whose shape cannot be read at all (an attribute line without `=`): see `unreadable`.
 */
import type { Draft } from '../contract/drafts.ts';
import type { HandleRequestInput } from '../mpsd/requests.ts';
import type { RequestKind } from '../mpsd/wire.ts';
import { parseInviteeLines, parseInvitees, recipientLabels, type InviteeLine } from './invitee-lines.ts';

/** A draft's fields as the drafts contract stores them: text, a list of texts, or a switch. */
export type DraftFields = Draft['fields'];

/**
 * The Compose form's text fields, named as drafts store them: the names the form and the
 * CLI agree on. `invitees` is stored as one entry per line (text is read too).
 */
export type DraftTextField =
  | 'scid'
  | 'templateName'
  | 'sessionName'
  | 'invitees'
  | 'titleId'
  | 'context'
  | 'contextString'
  | 'senderString'
  | 'handleId'
  | 'ownerXuid'
  | 'queryXuids'
  | 'monikerXuid'
  | 'memberXuid'
  | 'originTemplateName'
  | 'originSessionName'
  | 'searchTags'
  | 'searchStrings'
  | 'searchNumbers'
  | 'searchFilter'
  | 'searchOrderBy';

/** The form's switches and choices stored beside the text fields. */
export type DraftChoice = 'letServiceNameSession' | 'useMoniker' | 'moniker' | 'joinActive';

export interface DraftRequest {
  request: HandleRequestInput;
  /** The invitee box read line by line (empty for other kinds), for messages that name a line. */
  invitees: InviteeLine[];
  /** Labels typed beside invitees, keyed by XUID; undefined when there are none. */
  recipientLabels: Record<string, string> | undefined;
  /**
   * Boxes holding a line that cannot be read at all (an attribute line without `=`, a number
   * attribute that is not a number), each with a message naming the line. The request then
   * carries the box's raw text where the schema wants a map, so a caller that ignores this
   * (the CLI sending a draft) is still refused rather than sending the box without that line.
   */
  unreadable: Partial<Record<DraftTextField, string>>;
}

/** How a box of several XUIDs splits: spaces, commas, semicolons, line breaks. */
export const SEPARATORS = /[\s,;]+/;

/** The invitee box, stored one entry per line (text is read too). */
export function inviteesOf(value: DraftFields[string] | undefined): InviteeLine[] {
  if (Array.isArray(value)) return parseInviteeLines(value);
  return typeof value === 'string' ? parseInvitees(value) : [];
}

/**
 * The MPSD request a draft describes (blank fields left out, so the schema says "required").
 * An MPA draft (kind `mpa.*`) is read by mpaRequestFromDraft (mpa-draft-request.ts).
 */
export function requestFromDraft(draft: { kind: RequestKind; fields: DraftFields }): DraftRequest {
  const fields: Readonly<Partial<Record<DraftTextField | DraftChoice, DraftFields[string]>>> = draft.fields;
  const given = (name: DraftTextField | 'moniker'): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const sessionRef = { scid: given('scid'), templateName: given('templateName'), name: given('sessionName') };
  const people = () => ({ moniker: given('moniker') ?? 'people', monikerXuid: given('monikerXuid') });
  const unreadable: DraftRequest['unreadable'] = {};
  /** A `NAME=VALUE` box as a map, or (with a line that cannot be read) its raw text. */
  const attributes = <V>(field: 'searchStrings' | 'searchNumbers', read: (text: string) => Record<string, V> | string) => {
    const text = given(field);
    if (text === undefined) return undefined;
    const map = read(text);
    if (typeof map === 'string') unreadable[field] = map;
    return typeof map === 'string' ? text : map;
  };
  const kind = draft.kind;
  let request: Record<string, unknown>;
  let invitees: InviteeLine[] = [];
  switch (kind) {
    case 'activity.set':
      request =
        fields.letServiceNameSession === true
          ? { kind, sessionRef: { scid: sessionRef.scid, templateName: sessionRef.templateName }, letServiceNameSession: true }
          : { kind, sessionRef };
      break;
    case 'invite.send':
      invitees = inviteesOf(fields.invitees);
      request = {
        kind,
        sessionRef,
        invitedXuids: invitees.map((invitee) => invitee.xuid),
        titleId: given('titleId'),
        context: given('context'),
        contextString: given('contextString')?.trim(),
        senderString: given('senderString')?.trim(),
      };
      break;
    case 'activity.clear':
      request = { kind, scid: given('scid'), ownerXuid: given('ownerXuid') };
      break;
    case 'activity.query':
      request =
        fields.useMoniker === true
          ? { kind, scid: given('scid'), people: people() }
          : { kind, scid: given('scid'), xuids: (given('queryXuids') ?? '').split(SEPARATORS).filter((xuid) => xuid !== '') };
      break;
    case 'handle.get':
    case 'handle.delete':
    case 'handle.session':
      request = { kind, handleId: given('handleId') };
      break;
    case 'handle.join':
      request = { kind, handleId: given('handleId'), xuid: given('memberXuid'), ...(fields.joinActive === true ? { active: true } : {}) };
      break;
    case 'transfer.create':
      // The origin is a session of the same title, so it shares the target's SCID.
      request = {
        kind,
        sessionRef,
        originSessionRef: { scid: sessionRef.scid, templateName: given('originTemplateName'), name: given('originSessionName') },
      };
      break;
    case 'search.create': {
      const tags = (given('searchTags') ?? '').split(SEPARATORS).filter((tag) => tag !== '');
      const searchAttributes = {
        ...(tags.length > 0 ? { tags } : {}),
        strings: attributes('searchStrings', readStringAttributes),
        numbers: attributes('searchNumbers', readNumberAttributes),
      };
      request = { kind, sessionRef, searchAttributes };
      break;
    }
    case 'search.query':
      request = {
        kind,
        scid: given('scid'),
        templateName: given('templateName'),
        filter: given('searchFilter'),
        orderBy: given('searchOrderBy'),
        ...(fields.useMoniker === true ? { people: people() } : {}),
      };
      break;
    case 'session.join':
      request = { kind, sessionRef, xuid: given('memberXuid') };
      break;
    case 'session.get':
    case 'session.leave':
      request = { kind, sessionRef };
      break;
  }
  return { ...draftRequestOf<HandleRequestInput>(request, invitees), unreadable };
}

/**
 * The request a draft's reader built, with its invitee lines and their labels. A JSON round
 * trip drops the fields left undefined at every depth, so a blank field reads as "missing" and
 * the schema (which decides whether this is a valid request) says it is required.
 */
export function draftRequestOf<R>(
  request: Record<string, unknown>,
  invitees: InviteeLine[],
): { request: R; invitees: InviteeLine[]; recipientLabels: Record<string, string> | undefined } {
  const labels = recipientLabels(invitees);
  return {
    request: JSON.parse(JSON.stringify(request)) as R,
    invitees,
    recipientLabels: Object.keys(labels).length > 0 ? labels : undefined,
  };
}

interface AttributeLine {
  name: string;
  value: string;
  /** `Line 2 (“MinLevel=x”)`, to start a message with. */
  where: string;
}

/**
 * One attribute per line, `NAME=VALUE`, split at the first `=`; blank lines are skipped.
 * Names are judged by the request schema; only the line's shape is read here. Returns the
 * lines, or a message naming the first line that cannot be read.
 */
function attributeLines(text: string, example: string): AttributeLine[] | string {
  const lines: AttributeLine[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = `Line ${index + 1} (“${line.length > 40 ? `${line.slice(0, 40)}…` : line}”)`;
    const split = line.indexOf('=');
    if (split <= 0) return `${where}: write NAME=VALUE, one attribute per line, e.g. ${example}.`;
    const name = line.slice(0, split).trim();
    if (lines.some((earlier) => earlier.name === name)) return `${where}: ${name} is given twice; give each attribute once.`;
    lines.push({ name, value: line.slice(split + 1).trim(), where });
  }
  return lines;
}

function readStringAttributes(text: string): Record<string, string> | string {
  const lines = attributeLines(text, 'MapName=UrbanCityAssault');
  return typeof lines === 'string' ? lines : Object.fromEntries(lines.map((line) => [line.name, line.value]));
}

/** Numbers as MPSD keeps them (JSON numbers): decimal, with an optional fraction or exponent. */
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function readNumberAttributes(text: string): Record<string, number> | string {
  const lines = attributeLines(text, 'MinLevel=25');
  if (typeof lines === 'string') return lines;
  const notANumber = lines.find((line) => !NUMBER.test(line.value) || !Number.isFinite(Number(line.value)));
  if (notANumber !== undefined)
    return `${notANumber.where}: the value must be a number, e.g. ${notANumber.name}=25 or ${notANumber.name}=1.5.`;
  // fromEntries, not assignment: a name such as __proto__ stays a plain key.
  return Object.fromEntries(lines.map((line) => [line.name, Number(line.value)]));
}

/** Back to the attribute boxes' text, for opening a request in Compose. */
export function formatAttributeLines(attributes: Readonly<Record<string, string | number>> | undefined): string {
  return Object.entries(attributes ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}
