/**
 * Strict reading of the bodies of `POST /handles` and `POST /handles/query`, as the
 * reference (§2.1, §2.2, §2.4) describes them. Anything else is a 400 naming the field.
 */
import {
  badRequest,
  checkGuid,
  checkKeys,
  checkMpsdName,
  checkObject,
  checkOptionalText,
  checkTitleId,
  checkXuid,
} from './wire-checks.ts';

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

export type HandleCreation =
  | { type: 'activity'; sessionRef: RequestedSessionRef }
  | { type: 'invite'; sessionRef: SessionRefValue; invitedXuid: string; inviteAttributes: InviteAttributes };

const MONIKERS = ['people', 'favorites', 'friends'] as const;
export type PeopleMoniker = (typeof MONIKERS)[number];

export type ActivityOwners = { xuids: string[] } | { moniker: PeopleMoniker; monikerXuid: string };

export interface ActivityQuery {
  scid: string;
  owners: ActivityOwners;
}

/** MPSD caps `context` by its URI-encoded length. */
export const CONTEXT_MAX_ENCODED = 256;

function readSessionRef(value: unknown, nameOptional: boolean): RequestedSessionRef {
  const ref = checkObject(value, 'sessionRef');
  checkKeys(ref, ['scid', 'templateName', 'name'], 'sessionRef');
  const scid = checkGuid(ref.scid, 'sessionRef.scid');
  const templateName = checkMpsdName(ref.templateName, 'sessionRef.templateName');
  if (ref.name === undefined && nameOptional) return { scid, templateName };
  return { scid, templateName, name: checkMpsdName(ref.name, 'sessionRef.name') };
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
  if (contextString !== undefined) result.contextString = contextString;
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
  if (handle.type === undefined) badRequest('type is required; send "activity" or "invite".');
  return badRequest(
    `type "${String(handle.type).slice(0, 30)}" is not supported here; send "activity" or "invite" (this stand-in does not model transfer or search handles).`,
  );
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
  const people = checkObject(owners.people, 'owners.people');
  checkKeys(people, ['moniker', 'monikerXuid'], 'owners.people');
  const moniker = people.moniker;
  if (typeof moniker !== 'string' || !(MONIKERS as readonly string[]).includes(moniker)) {
    badRequest(`owners.people.moniker must be one of ${MONIKERS.join(', ')}.`);
  }
  return {
    moniker: moniker as PeopleMoniker,
    monikerXuid: checkXuid(people.monikerXuid, 'owners.people.monikerXuid'),
  };
}

/** Reads the body of `POST /handles/query`: activities in one SCID for a set of owners. */
export function readActivityQuery(body: unknown): ActivityQuery {
  const query = checkObject(body, 'The request body');
  checkKeys(query, ['type', 'scid', 'owners'], '');
  if (query.type !== 'activity') {
    badRequest('type must be "activity": only activity handles can be queried.');
  }
  const scid = checkGuid(query.scid, 'scid');
  if (query.owners === undefined) badRequest('owners is required: { "xuids": [...] } or { "people": {...} }.');
  return { scid, owners: readOwners(query.owners) };
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
    if (name !== 'relatedInfo' && name !== 'customProperties') {
      badRequest(`include=${name.slice(0, 30)} is not supported; use relatedInfo and/or customProperties.`);
    }
    included.add(name);
  }
  return included;
}
