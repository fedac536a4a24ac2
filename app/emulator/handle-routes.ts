/**
 * The `/handles` calls (reference §2.1 to §2.4).
 *
 * Activity membership, decided for this stand-in (MPSD's own answer is unconfirmed):
 * - the session does not exist → 404 "The requested session wasn't found.";
 * - it exists but the caller is not an active member → 409 naming what to do.
 * An activity without `sessionRef.name` asks the service to name the session: the
 * emulator names it with a fresh GUID and creates it with the caller as its only active
 * member, so the returned handle points at a session the caller can be found in.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorState, MpsdAnswer, MpsdCall } from './exchange.ts';
import { headerOf, jsonBodyOf } from './exchange.ts';
import { readActivityQuery, readHandleCreation, readQueryInclusions } from './handle-bodies.ts';
import type { ActivityOwners, SessionRefValue } from './handle-bodies.ts';
import type { StoredHandle } from './handles.ts';
import { handleDocument } from './handles.ts';
import { sessionAnswer, writeSession } from './session-routes.ts';
import { relatedInfo } from './sessions.ts';
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

function setActivity(call: MpsdCall, state: EmulatorState, requested: { scid: string; templateName: string; name?: string }): MpsdAnswer {
  let ref: SessionRefValue;
  if (requested.name === undefined) {
    ref = { scid: requested.scid, templateName: requested.templateName, name: randomUUID() };
    state.sessions.write(
      ref,
      { me: { xuid: call.caller.xuid, initialize: true, active: true } },
      call.caller,
      { kind: 'create' },
    );
  } else {
    ref = { scid: requested.scid, templateName: requested.templateName, name: requested.name };
    if (state.sessions.find(ref) === undefined) throw new MpsdRefusal(404, SESSION_NOT_FOUND);
    if (!state.sessions.isActiveMember(ref, call.caller.xuid)) {
      throw new MpsdRefusal(
        409,
        'The caller is not an active member of the session. Join it (PUT members.me with properties.system.active true) before setting an activity.',
      );
    }
  }
  const handle = state.handles.setActivity(call.caller.xuid, call.caller.titleId, ref);
  state.counters.handlesCreated += 1;
  return { status: 201, json: handleDocument(handle) };
}

/** `POST /handles`: set an activity or send one invite. */
export function createHandle(call: MpsdCall, state: EmulatorState): MpsdAnswer {
  checkHandleContract(call);
  const creation = readHandleCreation(jsonBodyOf(call));
  state.access.checkTemplate(creation.sessionRef.scid, creation.sessionRef.templateName);
  if (creation.type === 'activity') return setActivity(call, state, creation.sessionRef);
  // An invite may point at a session that is full, closed or not there at all.
  const handle = state.handles.sendInvite(call.caller.xuid, creation.invitedXuid, creation.sessionRef, creation.inviteAttributes);
  state.counters.handlesCreated += 1;
  state.counters.invitesCreated += 1;
  return { status: 201, json: handleDocument(handle) };
}

/** `GET /handles/{id}`. */
export function getHandle(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  checkHandleContract(call);
  return { status: 200, json: handleDocument(existingHandle(state, id)) };
}

/** `DELETE /handles/{id}`: the activity's owner, or an invite's sender or invitee, may delete it. */
export function deleteHandle(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  checkHandleContract(call);
  const handle = existingHandle(state, id);
  const xuid = call.caller.xuid;
  const allowed = handle.type === 'activity' ? handle.ownerXuid === xuid : handle.senderXuid === xuid || handle.invitedXuid === xuid;
  if (!allowed) throw new MpsdRefusal(403, 'Only the handle owner (or an invite\'s sender or invitee) can delete this handle.');
  state.handles.remove(handle.id);
  return { status: 204 };
}

/** `GET /handles/{id}/session`: the session it points at (Content-Location names it), or 204. */
export function getHandleSession(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  checkHandleContract(call);
  const handle = existingHandle(state, id);
  const session = state.sessions.find(handle.sessionRef);
  return session === undefined ? { status: 204 } : sessionAnswer(session, 200, true);
}

/** `PUT /handles/{id}/session`: join (or update) the session through a handle, e.g. an accepted invite. */
export function putHandleSession(call: MpsdCall, state: EmulatorState, id: string): MpsdAnswer {
  checkHandleContract(call);
  const handle = existingHandle(state, id);
  state.access.checkTemplate(handle.sessionRef.scid, handle.sessionRef.templateName);
  return writeSession(call, state, handle.sessionRef, true);
}

/**
 * Who a query's owners are. The emulator's social graph is simple on purpose: every user in
 * the directory follows every other one, for the people, friends and favorites monikers alike.
 */
function ownerXuids(owners: ActivityOwners, state: EmulatorState): Set<string> {
  if ('xuids' in owners) return new Set(owners.xuids);
  return new Set(state.directory.users().map((user) => user.xuid).filter((xuid) => xuid !== owners.monikerXuid));
}

/** `POST /handles/query?include=relatedInfo`: activities in one SCID, at most 100. */
export function queryHandles(call: MpsdCall, state: EmulatorState): MpsdAnswer {
  checkHandleContract(call);
  const inclusions = readQueryInclusions(call.search);
  const query = readActivityQuery(jsonBodyOf(call));
  state.access.checkScid(query.scid);
  const results = state.handles
    .activities(query.scid, ownerXuids(query.owners, state))
    .slice(0, QUERY_RESULT_LIMIT)
    .map((handle) => {
      const document = handleDocument(handle);
      const session = state.sessions.find(handle.sessionRef);
      if (session !== undefined && inclusions.has('relatedInfo')) document.relatedInfo = relatedInfo(session);
      if (session !== undefined && inclusions.has('customProperties')) document.customProperties = { ...session.properties.custom };
      return document;
    });
  return { status: 200, json: { results } };
}
