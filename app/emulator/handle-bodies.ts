/**
 * Strict reading of the bodies of `POST /handles` and `POST /handles/query`, as the
 * reference (mpsd-handles.md §2.1, §2.2, §2.4; mpsd-sessions-and-invitees.md §4) describes
 * them. Anything else is a 400 naming the field.
 */
import type { SearchFilter, SearchOrder } from './search-filter.ts';
import { readSearchFilter, readSearchOrder } from './search-filter.ts';
import { badRequest, checkGuid, checkKeys, checkMpsdName, checkObject, checkOptionalText, checkTitleId, checkXuid } from './wire-checks.ts';

/** A session reference; `name` is absent only when an activity asks the service to name the session. */
export interface RequestedSessionRef {
  scid: string;
  templateName: string;
  name?: string;
}

export interface SessionRefValue {
  scid: string;
  templateName: string;
  name: string;
}

export interface InviteAttributes {
  titleId: string;
  contextString?: string;
  context?: string;
  senderString?: string;
}

/** Stored lower-case: MPSD matches search queries in lower case (BR:113-136). */
export interface SearchAttributes {
  tags: string[];
  strings: Record<string, string>;
  numbers: Record<string, number>;
}

export type HandleCreation =
  | { type: 'activity'; sessionRef: RequestedSessionRef }
  | { type: 'invite'; sessionRef: SessionRefValue; invitedXuid: string; inviteAttributes: InviteAttributes }
  | { type: 'transfer'; sessionRef: SessionRefValue; originSessionRef: SessionRefValue }
  | { type: 'search'; sessionRef: SessionRefValue; searchAttributes: SearchAttributes };

export interface SearchQuery {
  scid: string;
  templateName: string;
  filter?: SearchFilter;
  orderBy?: SearchOrder;
  /** Only sessions with one of this moniker's people as a member. */
  people?: { moniker: PeopleMoniker; monikerXuid: string };
}

export type HandleQuery = ({ type: 'activity' } & ActivityQuery) | ({ type: 'search' } & SearchQuery);

const MONIKERS = ['people', 'favorites', 'friends'] as const;
export type PeopleMoniker = (typeof MONIKERS)[number];

export type ActivityOwners = { xuids: string[] } | { moniker: PeopleMoniker; monikerXuid: string };

export interface ActivityQuery {
  scid: string;
  owners: ActivityOwners;
}

/** MPSD caps `context` by its URI-encoded length. */
export const CONTEXT_MAX_ENCODED = 256;

function readSessionRef(value: unknown, nameOptional: boolean, field = 'sessionRef'): RequestedSessionRef {
  const ref = checkObject(value, field);
  checkKeys(ref, ['scid', 'templateName', 'name'], field);
  const scid = checkGuid(ref.scid, `${field}.scid`);
  const templateName = checkMpsdName(ref.templateName, `${field}.templateName`);
  if (ref.name === undefined && nameOptional) return { scid, templateName };
  return { scid, templateName, name: checkMpsdName(ref.name, `${field}.name`) };
}

function readInviteAttributes(value: unknown): InviteAttributes {
  if (value === undefined) {
    badRequest('inviteAttributes is required on an invite; send at least { "titleId": "<decimal title id>" }.');
  }
  const attributes = checkObject(value, 'inviteAttributes');
  checkKeys(attributes, ['titleId', 'contextString', 'context', 'senderString'], 'inviteAttributes');
  const result: InviteAttributes = { titleId: checkTitleId(attributes.titleId, 'inviteAttributes.titleId') };
  const contextString = checkOptionalText(attributes.contextString, 'inviteAttributes.contextString');
  const context = checkOptionalText(attributes.context, 'inviteAttributes.context');
  const senderString = checkOptionalText(attributes.senderString, 'inviteAttributes.senderString');
  if (context !== undefined) {
    // encodeURIComponent throws on a lone surrogate; MPSD could not encode it either.
    if (!context.isWellFormed()) badRequest('inviteAttributes.context holds an unpaired UTF-16 surrogate; send well-formed Unicode text.');
    const encoded = encodeURIComponent(context).length;
    if (encoded > CONTEXT_MAX_ENCODED) {
      badRequest(
        `inviteAttributes.context is ${encoded} characters after URI encoding; MPSD allows at most ${CONTEXT_MAX_ENCODED}. Shorten it.`,
      );
    }
    result.context = context;
  }
  if (contextString !== undefined) {
    // An id of a string ingested for the title, which Microsoft's header says starts with "///";
    // free text names no ingested string, so MPSD could not show it (refusing it is inferred).
    if (!/^\/\/\/\S+$/.test(contextString)) {
      badRequest(
        'inviteAttributes.contextString must be the id of a custom invite string ingested for the title, written with its "///" prefix and no spaces (e.g. ///JoinMyRaid); send free text in context instead.',
      );
    }
    result.contextString = contextString;
  }
  if (senderString !== undefined) result.senderString = senderString;
  return result;
}

function checkVersion(value: unknown): void {
  if (value === undefined) badRequest('version is required; send "version": 1.');
  if (value !== 1) badRequest(`version must be the number 1, got ${JSON.stringify(value).slice(0, 20)}.`);
}

/** Reads the body of `POST /handles`: an activity or an invite, nothing else. */
export function readHandleCreation(body: unknown): HandleCreation {
  const handle = checkObject(body, 'The request body');
  checkVersion(handle.version);
  if (handle.type === 'activity') {
    checkKeys(handle, ['version', 'type', 'sessionRef'], '');
    return { type: 'activity', sessionRef: readSessionRef(handle.sessionRef, true) };
  }
  if (handle.type === 'invite') {
    checkKeys(handle, ['version', 'type', 'sessionRef', 'invitedXuid', 'inviteAttributes'], '');
    return {
      type: 'invite',
      sessionRef: readSessionRef(handle.sessionRef, false) as SessionRefValue,
      invitedXuid: checkXuid(handle.invitedXuid, 'invitedXuid'),
      inviteAttributes: readInviteAttributes(handle.inviteAttributes),
    };
  }
  if (handle.type === 'transfer') {
    checkKeys(handle, ['version', 'type', 'sessionRef', 'originSessionRef'], '');
    if (handle.originSessionRef === undefined)
      badRequest('originSessionRef is required on a transfer handle: the session (e.g. the lobby) whose members may use it.');
    return {
      type: 'transfer',
      sessionRef: readSessionRef(handle.sessionRef, false) as SessionRefValue,
      originSessionRef: readSessionRef(handle.originSessionRef, false, 'originSessionRef') as SessionRefValue,
    };
  }
  if (handle.type === 'search') {
    checkKeys(handle, ['version', 'type', 'sessionRef', 'searchAttributes'], '');
    return {
      type: 'search',
      sessionRef: readSessionRef(handle.sessionRef, false) as SessionRefValue,
      searchAttributes: readSearchAttributes(handle.searchAttributes),
    };
  }
  if (handle.type === undefined) badRequest('type is required; send "activity", "invite", "transfer" or "search".');
  return badRequest(`type "${String(handle.type).slice(0, 30)}" is not a handle type; send "activity", "invite", "transfer" or "search".`);
}

/** BR:113-136: names start with a letter, have no spaces and are under 100 characters. */
const SEARCH_NAME = /^[A-Za-z][^\s]{0,98}$/;

function checkSearchName(name: string, field: string): string {
  if (!SEARCH_NAME.test(name))
    badRequest(`${field} "${name.slice(0, 40)}" must start with a letter, have no spaces and be under 100 characters.`);
  return name.toLowerCase();
}

function readSearchAttributes(value: unknown): SearchAttributes {
  if (value === undefined) badRequest('searchAttributes is required on a search handle: { "tags": [], "strings": {}, "numbers": {} }.');
  const attributes = checkObject(value, 'searchAttributes');
  checkKeys(attributes, ['tags', 'strings', 'numbers'], 'searchAttributes');
  const result: SearchAttributes = { tags: [], strings: {}, numbers: {} };
  if (attributes.tags !== undefined) {
    if (!Array.isArray(attributes.tags) || attributes.tags.some((tag) => typeof tag !== 'string'))
      badRequest('searchAttributes.tags must be an array of strings.');
    result.tags = [...new Set((attributes.tags as string[]).map((tag, index) => checkSearchName(tag, `searchAttributes.tags[${index}]`)))];
  }
  if (attributes.strings !== undefined) {
    for (const [name, text] of Object.entries(checkObject(attributes.strings, 'searchAttributes.strings'))) {
      if (typeof text !== 'string') badRequest(`searchAttributes.strings.${name.slice(0, 40)} must be a string.`);
      result.strings[checkSearchName(name, 'searchAttributes.strings name')] = text.toLowerCase();
    }
  }
  if (attributes.numbers !== undefined) {
    for (const [name, number] of Object.entries(checkObject(attributes.numbers, 'searchAttributes.numbers'))) {
      if (typeof number !== 'number' || !Number.isFinite(number))
        badRequest(`searchAttributes.numbers.${name.slice(0, 40)} must be a number.`);
      result.numbers[checkSearchName(name, 'searchAttributes.numbers name')] = number;
    }
  }
  return result;
}

function readOwners(value: unknown): ActivityOwners {
  const owners = checkObject(value, 'owners');
  checkKeys(owners, ['xuids', 'people'], 'owners');
  if (owners.xuids !== undefined && owners.people !== undefined) {
    badRequest('owners must hold either xuids or people, not both.');
  }
  if (owners.xuids !== undefined) {
    if (!Array.isArray(owners.xuids) || owners.xuids.length === 0) {
      badRequest('owners.xuids must be a non-empty array of decimal XUID strings.');
    }
    const xuids = owners.xuids.map((xuid, index) => checkXuid(xuid, `owners.xuids[${index}]`));
    return { xuids: [...new Set(xuids)] };
  }
  if (owners.people === undefined) badRequest('owners must hold xuids or people.');
  return readPeople(owners.people, 'owners.people');
}

function readPeople(value: unknown, field: string): { moniker: PeopleMoniker; monikerXuid: string } {
  const people = checkObject(value, field);
  checkKeys(people, ['moniker', 'monikerXuid'], field);
  const moniker = people.moniker;
  if (typeof moniker !== 'string' || !(MONIKERS as readonly string[]).includes(moniker)) {
    badRequest(`${field}.moniker must be one of ${MONIKERS.join(', ')}.`);
  }
  return { moniker: moniker as PeopleMoniker, monikerXuid: checkXuid(people.monikerXuid, `${field}.monikerXuid`) };
}

function readSearchQuery(query: Record<string, unknown>): SearchQuery {
  checkKeys(query, ['type', 'scid', 'templateName', 'global', 'filter', 'orderBy', 'sessionMembers'], '');
  const result: SearchQuery = { scid: checkGuid(query.scid, 'scid'), templateName: checkMpsdName(query.templateName, 'templateName') };
  if (query.global !== undefined && typeof query.global !== 'boolean') badRequest('global must be true or false.');
  if (query.sessionMembers !== undefined) {
    const members = checkObject(query.sessionMembers, 'sessionMembers');
    checkKeys(members, ['people'], 'sessionMembers');
    result.people = readPeople(members.people, 'sessionMembers.people');
  }
  // svc:17; BR:245-267 show either a global search or one over a moniker's people.
  if (query.global !== true && result.people === undefined) {
    badRequest('A search query needs "global": true, or sessionMembers.people to search the sessions your people are in.');
  }
  if (query.filter !== undefined) {
    if (typeof query.filter !== 'string')
      badRequest('filter must be a string such as "numbers/skill gt 10 and strings/map eq \'forest\'".');
    result.filter = readSearchFilter(query.filter);
  }
  if (query.orderBy !== undefined) {
    if (typeof query.orderBy !== 'string') badRequest('orderBy must be a string such as "numbers/skill desc".');
    result.orderBy = readSearchOrder(query.orderBy);
  }
  return result;
}

/** Reads the body of `POST /handles/query`: activities in one SCID for a set of owners, or a search. */
export function readHandleQuery(body: unknown): HandleQuery {
  const query = checkObject(body, 'The request body');
  if (query.type === 'search') return { type: 'search', ...readSearchQuery(query) };
  checkKeys(query, ['type', 'scid', 'owners'], '');
  if (query.type !== 'activity') badRequest('type must be "activity" or "search": only those handles can be queried.');
  const scid = checkGuid(query.scid, 'scid');
  if (query.owners === undefined) badRequest('owners is required: { "xuids": [...] } or { "people": {...} }.');
  return { type: 'activity', scid, owners: readOwners(query.owners) };
}

export type QueryInclusion = 'relatedInfo' | 'customProperties';

/** Reads `?include=relatedInfo,customProperties` (comma-separated or repeated). */
export function readQueryInclusions(search: URLSearchParams): Set<QueryInclusion> {
  const included = new Set<QueryInclusion>();
  for (const key of search.keys()) {
    if (key !== 'include') badRequest(`Query parameter ${key} is not supported; only include is.`);
  }
  for (const value of search.getAll('include').flatMap((entry) => entry.split(','))) {
    const name = value.trim();
    // svc:17 also asks for roleInfo; the stand-in has no roles, so it accepts the word and adds nothing.
    if (name === 'roleInfo') continue;
    if (name !== 'relatedInfo' && name !== 'customProperties') {
      badRequest(`include=${name.slice(0, 30)} is not supported; use relatedInfo, roleInfo and/or customProperties.`);
    }
    included.add(name);
  }
  return included;
}
