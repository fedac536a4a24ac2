/**
 * The `/handles` calls (mpsd-handles.md §2.1 to §2.5; mpsd-sessions-and-invitees.md §4, §5).
 *
 * A handle never creates a session (mpsd-handles.md §1). Decided for this stand-in where
 * MPSD's answer is unconfirmed, each listed in README.md's rule table:
 * - an activity for a session that does not exist, or without `sessionRef.name`, is a 404
 *   "The requested session wasn't found." (the session a service-chosen name would point at
 *   cannot hold the caller, so the activity could never be bound);
 * - an activity by someone who is not an active member is a 409 naming what to do.
 */
import type { EmulatorState, MpsdAnswer, MpsdCall } from './exchange.ts';
import { headerOf, jsonBodyOf, spendSearchBudget } from './exchange.ts';
import type { ActivityOwners, HandleCreation, SearchQuery, SessionRefValue } from './handle-bodies.ts';
import { readHandleCreation, readHandleQuery, readQueryInclusions } from './handle-bodies.ts';
import type { QueryInclusion } from './handle-bodies.ts';
import type { StoredHandle } from './handles.ts';
import { handleDocument } from './handles.ts';
import { matchesFilter, sortBySearchOrder } from './search-filter.ts';
import type { HandleGrant } from './session-access.ts';
import { contractOf, sessionAnswer, writeSession } from './session-routes.ts';
import type { StoredSession } from './sessions.ts';
import { relatedInfo } from './sessions.ts';
import type { Caller } from './user-directory.ts';
import { MpsdRefusal, checkContractVersion } from './wire-checks.ts';

/** Handle calls accept the versions the docs allow and the one Microsoft's client sends. */
export const HANDLE_CONTRACTS = [104, 105, 107] as const;
/** MPSD returns at most this many results from a query, with no paging. */
export const QUERY_RESULT_LIMIT = 100;

const SESSION_NOT_FOUND = "The requested session wasn't found.";

function checkHandleContract(call: MpsdCall): void {
  checkContractVersion(headerOf(call, 'x-xbl-contract-version'), HANDLE_CONTRACTS);
}

function existingHandle(state: EmulatorState, id: string): StoredHandle {
  const handle = state.handles.find(id);
  if (handle === undefined) throw new MpsdRefusal(404, "The requested handle wasn't found.");
  return handle;
}

function existingSession(state: EmulatorState, ref: SessionRefValue): StoredSession {
  const session = state.sessions.find(ref);
  if (session === undefined) throw new MpsdRefusal(404, SESSION_NOT_FOUND);
  return session;
}

function isMemberOf(session: StoredSession, xuid: string): boolean {
  const member = session.members.get(xuid);
  return member !== undefined && member.status !== 'reserved';
}

/** 201 naming the new handle in Location and Content-Location, as recorded traffic shows (mpsd-sessions-and-invitees.md §4). */
function created(state: EmulatorState, handle: StoredHandle): MpsdAnswer {
  state.counters.handlesCreated += 1;
  if (handle.type === 'invite') state.counters.invitesCreated += 1;
  const path = `/handles/${handle.id}`;
  return { status: 201, json: handleDocument(handle), headers: { Location: path, 'Content-Location': path } };
}

function createActivity(
  call: MpsdCall,
  state: EmulatorState,
  requested: { scid: string; templateName: string; name?: string },
): MpsdAnswer {
  if (requested.name === undefined) {
    throw new MpsdRefusal(
      404,
      `${SESSION_NOT_FOUND} A handle never creates a session: create or join one, then send its name in sessionRef.name.`,
    );
  }
  const ref = { ...requested, name: requested.name };
  const session = existingSession(state, ref);
  if (!state.sessions.isActiveMember(ref, call.caller.xuid)) {
    throw new MpsdRefusal(
      409,
      'The caller is not an active member of the session. Join it (PUT members.me with properties.system.active true) before setting an activity.',
    );
  }
  return created(state, state.handles.setActivity(call.caller.xuid, call.caller.titleId, ref, session.constants.system.inviteProtocol));
}

/** TC:274: with owners, only an owner invites unless the template allows `allowNonOwnerInviteHandles`. */
function checkInviter(state: EmulatorState, ref: SessionRefValue, sender: string): void {
  const session = state.sessions.find(ref);
  if (session === undefined || session.constants.system.capabilities?.hasOwners !== true) return;
  if (session.owners.has(sender) || session.constants.system.allowNonOwnerInviteHandles === true) return;
  throw new MpsdRefusal(
    403,
    'This session has owners and does not allow non-owner invite handles (allowNonOwnerInviteHandles); ask an owner to send the invite.',
  );
}

/** HT:313-329: a transfer handle extends a member's rights in the origin (e.g. a lobby) to the target. */
function createTransfer(call: MpsdCall, state: EmulatorState, creation: Extract<HandleCreation, { type: 'transfer' }>): MpsdAnswer {
  state.access.checkTemplate(creation.originSessionRef.scid, creation.originSessionRef.templateName);
  const origin = existingSession(state, creation.originSessionRef);
  existingSession(state, creation.sessionRef);
  if (!isMemberOf(origin, call.caller.xuid)) {
    throw new MpsdRefusal(403, 'Only a member of the origin session (originSessionRef) can create a transfer handle from it.');
  }
  return created(state, state.handles.createTransfer(call.caller.xuid, creation.sessionRef, creation.originSessionRef));
}

/** BR:75-84: one search handle per session, on a `searchable` session, by one of its members. */
function createSearch(call: MpsdCall, state: EmulatorState, creation: Extract<HandleCreation, { type: 'search' }>): MpsdAnswer {
  spendSearchBudget(call, state, 'write');
  const session = existingSession(state, creation.sessionRef);
  if (!isMemberOf(session, call.caller.xuid)) throw new MpsdRefusal(403, 'Only a member of the session can create its search handle.');
  if (session.constants.system.capabilities?.searchable !== true) {
    throw new MpsdRefusal(403, "The session's template does not set capabilities.searchable, so it cannot have a search handle.");
  }
  if (state.handles.searchOf(creation.sessionRef) !== undefined) {
    throw new MpsdRefusal(409, 'The session already has a search handle (one per session); delete it with DELETE /handles/{id} first.');
  }
  return created(state, state.handles.createSearch(call.caller.xuid, call.caller.titleId, creation.sessionRef, creation.searchAttributes));
}

/** `POST /handles`: set an activity, send one invite, or create a transfer or search handle. */
export function createHandle(call: MpsdCall, state: EmulatorState): MpsdAnswer {
  checkHandleContract(call);
  const creation = readHandleCreation(jsonBodyOf(call));
  state.access.checkTemplate(creation.sessionRef.scid, creation.sessionRef.templateName);
  switch (creation.type) {
    case 'activity':
      return createActivity(call, state, creation.sessionRef);
    case 'invite':
      // OV:198-202: an invite may point at a session that is full, closed or not there at all.
      checkInviter(state, creation.sessionRef, call.caller.xuid);
      return created(
        state,
        state.handles.sendInvite(call.caller.xuid, creation.invitedXuid, creation.sessionRef, creation.inviteAttributes),
      );
    case 'transfer':
      return createTransfer(call, state, creation);
    case 'search':
      return createSearch(call, state, creation);
  }
}

/** `GET /handles/{id}`. */
export function getHandle(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  checkHandleContract(call);
  const handle = existingHandle(state, id);
  if (handle.type === 'search') spendSearchBudget(call, state, 'read');
  return { status: 200, json: handleDocument(handle) };
}

function mayDelete(handle: StoredHandle, xuid: string): boolean {
  return handle.type === 'invite' ? handle.senderXuid === xuid || handle.invitedXuid === xuid : handle.ownerXuid === xuid;
}

/** `DELETE /handles/{id}`: its owner (an invite's sender or invitee) may delete it. */
export function deleteHandle(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  checkHandleContract(call);
  const handle = existingHandle(state, id);
  if (handle.type === 'search') spendSearchBudget(call, state, 'write');
  if (!mayDelete(handle, call.caller.xuid))
    throw new MpsdRefusal(403, "Only the handle's owner (or an invite's sender or invitee) can delete this handle.");
  state.handles.remove(handle.id);
  return { status: 204 };
}

/** What a handle gives its caller on the session it points at (see HandleGrant). */
function grantOf(state: EmulatorState, handle: StoredHandle, caller: Caller): HandleGrant {
  if (handle.type === 'invite') return handle.invitedXuid === caller.xuid ? 'invite' : 'none';
  if (handle.type === 'search') return 'search';
  if (handle.type === 'activity') return 'none';
  // fix:1129-1157; HT:313-329: MPSD checks that the joiner is a member of the origin session.
  const origin = state.sessions.find(handle.originSessionRef);
  if (origin === undefined || !isMemberOf(origin, caller.xuid)) {
    throw new MpsdRefusal(403, 'A transfer handle is for members of its origin session (originSessionRef); join that session first.');
  }
  return 'transfer';
}

/** `GET /handles/{id}/session`: the session it points at (Content-Location names it), or 204. */
export function getHandleSession(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  const contract = contractOf(call);
  const handle = existingHandle(state, id);
  if (state.sessions.find(handle.sessionRef) === undefined) return { status: 204 };
  const session = state.sessions.read(handle.sessionRef, call.caller, grantOf(state, handle, call.caller));
  return session === undefined ? { status: 204 } : sessionAnswer(session, 200, true, contract);
}

/** `PUT /handles/{id}/session`: join (or update) the session through a handle (§5 "Joining"). */
export function putHandleSession(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  contractOf(call);
  const handle = existingHandle(state, id);
  state.access.checkTemplate(handle.sessionRef.scid, handle.sessionRef.templateName);
  return writeSession(call, state, handle.sessionRef, true, grantOf(state, handle, call.caller));
}

/** Who a query's owners are: listed XUIDs, or the moniker's people in the follow graph. */
function ownerXuids(owners: ActivityOwners, state: EmulatorState): Set<string> {
  if ('xuids' in owners) return new Set(owners.xuids);
  return owners.moniker === 'favorites' ? state.follows.favorites(owners.monikerXuid) : state.follows.people(owners.monikerXuid);
}

function withInclusions(
  document: Record<string, unknown>,
  session: StoredSession | undefined,
  inclusions: Set<QueryInclusion>,
): Record<string, unknown> {
  if (session !== undefined && inclusions.has('relatedInfo')) document.relatedInfo = relatedInfo(session);
  if (session !== undefined && inclusions.has('customProperties')) document.customProperties = { ...session.properties.custom };
  return document;
}

function searchResults(call: MpsdCall, state: EmulatorState, query: SearchQuery, inclusions: Set<QueryInclusion>): MpsdAnswer {
  spendSearchBudget(call, state, 'read');
  state.access.checkTemplate(query.scid, query.templateName);
  const people = query.people === undefined ? null : ownerXuids(query.people, state);
  const found = state.handles
    .searches(query.scid, query.templateName)
    .map((handle) => ({ handle, session: state.sessions.find(handle.sessionRef) }))
    .filter(({ handle, session }) => {
      if (session === undefined || !matchesFilter(query.filter, handle.searchAttributes)) return false;
      return people === null || [...session.members.values()].some((member) => member.status !== 'reserved' && people.has(member.xuid));
    });
  const results = sortBySearchOrder(found, query.orderBy, ({ handle }) => handle.searchAttributes)
    .slice(0, QUERY_RESULT_LIMIT)
    .map(({ handle, session }) => withInclusions(handleDocument(handle), session, inclusions));
  return { status: 200, json: { results } };
}

/** `POST /handles/query?include=relatedInfo,customProperties`: activities of some owners in one SCID, or a search; at most 100. */
export function queryHandles(call: MpsdCall, state: EmulatorState): MpsdAnswer {
  checkHandleContract(call);
  const inclusions = readQueryInclusions(call.search);
  const query = readHandleQuery(jsonBodyOf(call));
  if (query.type === 'search') return searchResults(call, state, query, inclusions);
  state.access.checkScid(query.scid);
  const results = state.handles
    .activities(query.scid, ownerXuids(query.owners, state))
    .slice(0, QUERY_RESULT_LIMIT)
    .map((handle) => withInclusions(handleDocument(handle), state.sessions.find(handle.sessionRef), inclusions));
  return { status: 200, json: { results } };
}
