/**
 * Pure functions from a parsed HandleRequest to the HTTP requests MPSD expects. Bodies use
 * the keys and value forms Microsoft's client sends (version 1, decimal strings, optional
 * invite attributes left out rather than sent empty), so what the tool sends is what a game
 * would send.
 *
 * Clearing an activity takes two calls whose second depends on the first's answer (query my
 * activity, then delete the handle found); `activityClearQuery` and `deleteHandle` build the
 * two steps and the core operation chains them.
 */
import type {
  ActivityClearRequest,
  ActivityQueryRequest,
  ActivitySetRequest,
  HandleJoinRequest,
  HandleRequest,
  InviteSendRequest,
  SearchCreateRequest,
  SearchQueryRequest,
  SessionJoinRequest,
  TransferCreateRequest,
} from './requests.ts';
import { sessionPath, type SessionRef } from './session-ref.ts';
import type { RequestKind, WireRequest } from './wire.ts';

/** MPSD reads bodies as UTF-8 JSON; Microsoft's client labels them exactly like this. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const jsonHeaders = (): Record<string, string> => ({ 'Content-Type': JSON_CONTENT_TYPE });

/** `POST /handles` with `type: activity`. Not idempotent: posting replaces the user's previous activity. */
export function activitySet(request: ActivitySetRequest): WireRequest {
  const { scid, templateName, name } = request.sessionRef;
  const sessionRef = name === undefined ? { scid, templateName } : { scid, templateName, name };
  return {
    kind: 'activity.set',
    method: 'POST',
    path: '/handles',
    headers: jsonHeaders(),
    body: { version: 1, type: 'activity', sessionRef },
    // Without a name the session is only known once MPSD answers with the handle document.
    ...(name === undefined ? {} : { sessionRef: { scid, templateName, name } }),
    notIdempotent: true,
  };
}

/**
 * One `POST /handles` per invitee, in the order given. Never retried automatically: a
 * repeated invite POST creates a second invite (and a second toast).
 */
export function inviteSend(request: InviteSendRequest): WireRequest[] {
  const inviteAttributes: Record<string, string> = { titleId: request.titleId };
  if (request.contextString !== undefined) inviteAttributes.contextString = request.contextString;
  if (request.context !== undefined) inviteAttributes.context = request.context;
  if (request.senderString !== undefined) inviteAttributes.senderString = request.senderString;

  return request.invitedXuids.map((invitedXuid) => ({
    kind: 'invite.send',
    method: 'POST',
    path: '/handles',
    headers: jsonHeaders(),
    body: {
      version: 1,
      type: 'invite',
      sessionRef: { ...request.sessionRef },
      invitedXuid,
      inviteAttributes: { ...inviteAttributes },
    },
    sessionRef: request.sessionRef,
    invitedXuid,
    notIdempotent: true,
  }));
}

/** Who the activity query is about: a list of users, or a moniker over someone's social graph. */
type ActivityOwners = Pick<ActivityQueryRequest, 'xuids' | 'people'>;

/**
 * What queries ask MPSD to add to each handle, as Microsoft's client asks: `relatedInfo`
 * (visibility, join restriction, closed, member counts: whether the session can be joined)
 * and the session's custom properties.
 */
const QUERY_INCLUDE = 'include=relatedInfo,customProperties';

/**
 * `POST /handles/query?include=relatedInfo,customProperties` for activities. A read, so safe
 * to retry even though it is a POST. `kind` lets the first step of activity.clear be filed
 * under that kind.
 */
export function activityQuery(
  scid: string,
  owners: ActivityOwners,
  kind: Extract<RequestKind, 'activity.query' | 'activity.clear'> = 'activity.query',
): WireRequest {
  return {
    kind,
    method: 'POST',
    path: `/handles/query?${QUERY_INCLUDE}`,
    headers: jsonHeaders(),
    body: {
      type: 'activity',
      scid,
      owners: owners.people === undefined ? { xuids: [...(owners.xuids ?? [])] } : { people: { ...owners.people } },
    },
    notIdempotent: false,
  };
}

/** The first step of clearing an activity: find the owner's activity handle for this SCID. */
export function activityClearQuery(request: ActivityClearRequest): WireRequest {
  return activityQuery(request.scid, { xuids: [request.ownerXuid] }, 'activity.clear');
}

/**
 * `DELETE /handles/{id}`: the second step of clearing an activity, or a direct delete.
 * Idempotent (deleting a handle twice leaves the same state; the second answers 404).
 */
export function deleteHandle(
  handleId: string,
  kind: Extract<RequestKind, 'handle.delete' | 'activity.clear'> = 'handle.delete',
): WireRequest {
  return { kind, method: 'DELETE', path: `/handles/${handleId}`, headers: {}, notIdempotent: false };
}

/** `GET /handles/{id}`: the handle document. */
export function getHandle(handleId: string): WireRequest {
  return { kind: 'handle.get', method: 'GET', path: `/handles/${handleId}`, headers: {}, notIdempotent: false };
}

/** `GET /handles/{id}/session`: the session the handle points at (204 when it does not exist). */
export function handleSession(handleId: string): WireRequest {
  return {
    kind: 'handle.session',
    method: 'GET',
    path: `/handles/${handleId}/session`,
    headers: {},
    notIdempotent: false,
  };
}

/**
 * `PUT /handles/{id}/session`: join the session the handle points at, as MPSD's invitee flow
 * does (members.me with the joiner's XUID; active only when asked, since a tool user who is
 * not running the title would be demoted by MPSD's presence check anyway). No write-mode
 * header: MPSD upserts the membership. The answer's Content-Location names the session.
 */
export function handleJoin(request: HandleJoinRequest): WireRequest {
  return {
    kind: 'handle.join',
    method: 'PUT',
    path: `/handles/${request.handleId}/session`,
    headers: jsonHeaders(),
    body: {
      members: {
        me: {
          constants: { system: { xuid: request.xuid } },
          properties: { system: { active: request.active === true } },
        },
      },
    },
    notIdempotent: true,
  };
}

/** `POST /handles` with `type: transfer`: members of the origin session may join the target through it. */
export function transferCreate(request: TransferCreateRequest): WireRequest {
  return {
    kind: 'transfer.create',
    method: 'POST',
    path: '/handles',
    headers: jsonHeaders(),
    body: { version: 1, type: 'transfer', sessionRef: { ...request.sessionRef }, originSessionRef: { ...request.originSessionRef } },
    sessionRef: request.sessionRef,
    notIdempotent: true,
  };
}

/**
 * `POST /handles` with `type: search`: makes the session findable by its attributes (one
 * search handle per session). All three attribute groups are sent, empty or not, as XSAPI does.
 */
export function searchCreate(request: SearchCreateRequest): WireRequest {
  const attributes = request.searchAttributes ?? {};
  return {
    kind: 'search.create',
    method: 'POST',
    path: '/handles',
    headers: jsonHeaders(),
    body: {
      version: 1,
      type: 'search',
      sessionRef: { ...request.sessionRef },
      searchAttributes: { tags: [...(attributes.tags ?? [])], strings: { ...attributes.strings }, numbers: { ...attributes.numbers } },
    },
    sessionRef: request.sessionRef,
    notIdempotent: true,
  };
}

/** `POST /handles/query` with `type: search`: sessions of one template found by their search attributes. A read. */
export function searchQuery(request: SearchQueryRequest): WireRequest {
  const body: Record<string, unknown> = { type: 'search', scid: request.scid, templateName: request.templateName };
  if (request.orderBy !== undefined) body.orderBy = request.orderBy;
  if (request.filter !== undefined) body.filter = request.filter;
  if (request.people !== undefined) body.sessionMembers = { people: { ...request.people } };
  // XSAPI sends `global: true` on every search query, with or without a social group.
  body.global = true;
  return {
    kind: 'search.query',
    method: 'POST',
    path: `/handles/query?${QUERY_INCLUDE}`,
    headers: jsonHeaders(),
    body,
    notIdempotent: false,
  };
}

/**
 * `PUT` the session with the caller as an active member (create or join; no If-Match, so
 * MPSD creates the session when it does not exist). An activity only shows while its owner
 * is an active member, so this is the step before activity.set.
 */
export function sessionJoin(request: SessionJoinRequest): WireRequest {
  return {
    kind: 'session.join',
    method: 'PUT',
    path: sessionPath(request.sessionRef),
    headers: jsonHeaders(),
    body: {
      members: {
        me: {
          constants: { system: { initialize: true, xuid: request.xuid } },
          properties: { system: { active: true } },
        },
      },
    },
    sessionRef: request.sessionRef,
    notIdempotent: true,
  };
}

/** `GET` the session document (204 when there is no such session). */
export function sessionGet(sessionRef: SessionRef): WireRequest {
  return { kind: 'session.get', method: 'GET', path: sessionPath(sessionRef), headers: {}, sessionRef, notIdempotent: false };
}

/** `DELETE .../members/me`: leave the session (MPSD then removes the caller's activity handle too). */
export function sessionLeave(sessionRef: SessionRef): WireRequest {
  return {
    kind: 'session.leave',
    method: 'DELETE',
    path: `${sessionPath(sessionRef)}/members/me`,
    headers: {},
    sessionRef,
    notIdempotent: true,
  };
}

/**
 * The requests to send for `request`, in order. For activity.clear this is only the first
 * step (the query): the delete depends on the handle id the query returns, see
 * `deleteHandle`. Everything else is complete: one request, or one per invitee.
 */
export function buildWireRequests(request: HandleRequest): WireRequest[] {
  switch (request.kind) {
    case 'activity.set':
      return [activitySet(request)];
    case 'activity.clear':
      return [activityClearQuery(request)];
    case 'activity.query':
      return [activityQuery(request.scid, request)];
    case 'invite.send':
      return inviteSend(request);
    case 'handle.get':
      return [getHandle(request.handleId)];
    case 'handle.delete':
      return [deleteHandle(request.handleId)];
    case 'handle.session':
      return [handleSession(request.handleId)];
    case 'handle.join':
      return [handleJoin(request)];
    case 'transfer.create':
      return [transferCreate(request)];
    case 'search.create':
      return [searchCreate(request)];
    case 'search.query':
      return [searchQuery(request)];
    case 'session.join':
      return [sessionJoin(request)];
    case 'session.get':
      return [sessionGet(request.sessionRef)];
    case 'session.leave':
      return [sessionLeave(request.sessionRef)];
  }
}
