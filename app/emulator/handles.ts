/**
 * The handles the local MPSD holds: activity handles (one per user per SCID, a new one
 * replaces the old), invite handles (one invitee each, kept until they expire), transfer
 * handles (deleted with their target session) and search handles (one per session, deleted
 * with it). Every invite ever created is also kept in a log so tests can see what a client sent.
 */
import { randomUUID } from 'node:crypto';
import type { InviteAttributes, SearchAttributes, SessionRefValue } from './handle-bodies.ts';
import { sessionKey } from './sessions.ts';

export interface ActivityHandle {
  id: string;
  type: 'activity';
  sessionRef: SessionRefValue;
  ownerXuid: string;
  titleId?: string;
  /** The session's `constants.system.inviteProtocol` when the activity was set (TA line 7 shows it in the answer). */
  inviteProtocol?: string;
  createTime: number;
}

export interface InviteHandle {
  id: string;
  type: 'invite';
  sessionRef: SessionRefValue;
  senderXuid: string;
  invitedXuid: string;
  inviteAttributes: InviteAttributes;
  createTime: number;
  expiration: number;
}

export interface TransferHandle {
  id: string;
  type: 'transfer';
  sessionRef: SessionRefValue;
  originSessionRef: SessionRefValue;
  ownerXuid: string;
  createTime: number;
}

export interface SearchHandle {
  id: string;
  type: 'search';
  sessionRef: SessionRefValue;
  searchAttributes: SearchAttributes;
  ownerXuid: string;
  titleId?: string;
  createTime: number;
}

export type StoredHandle = ActivityHandle | InviteHandle | TransferHandle | SearchHandle;

/** One invite as the emulator saw it, for tests and the control API. */
export interface InviteRecord {
  id: string;
  senderXuid: string;
  invitedXuid: string;
  sessionRef: SessionRefValue;
  inviteAttributes: InviteAttributes;
  /** ISO-8601. */
  createdAt: string;
}

export interface HandleBook {
  /** Creates the owner's activity in the ref's SCID, deleting the one it replaces. */
  setActivity(ownerXuid: string, titleId: string | undefined, ref: SessionRefValue, inviteProtocol?: string): ActivityHandle;
  sendInvite(senderXuid: string, invitedXuid: string, ref: SessionRefValue, attributes: InviteAttributes): InviteHandle;
  createTransfer(ownerXuid: string, ref: SessionRefValue, origin: SessionRefValue): TransferHandle;
  /** Throws nothing: the caller checks first that the session has no search handle yet. */
  createSearch(ownerXuid: string, titleId: string | undefined, ref: SessionRefValue, attributes: SearchAttributes): SearchHandle;
  /** The search handle of a session, if it has one. */
  searchOf(ref: SessionRefValue): SearchHandle | undefined;
  /** Search handles of one SCID and template, oldest first. */
  searches(scid: string, templateName: string): SearchHandle[];
  /** The session was deleted: its transfer and search handles go with it. */
  dropSession(ref: SessionRefValue): void;
  /** A live handle by id (GUIDs compare case-insensitively); expired invites are gone. */
  find(id: string): StoredHandle | undefined;
  remove(id: string): boolean;
  /** The member left or went inactive: their activity for that session goes. */
  dropActivity(ref: SessionRefValue, xuid: string): void;
  /** Activities in one SCID owned by any of `owners`, oldest first. */
  activities(scid: string, owners: ReadonlySet<string>): ActivityHandle[];
  invites(): InviteRecord[];
}

/**
 * How long an invite handle lives. MPSD's exact figure is not published; an hour is long
 * enough for any test and short enough that expiry can be exercised with a fake clock.
 */
export const INVITE_LIFETIME_MS = 60 * 60 * 1000;

/** An empty handle book; `now` stamps createTime and decides invite expiry. */
export function createHandleBook(now: () => number): HandleBook {
  const handles = new Map<string, StoredHandle>();
  /** `<scid>/<xuid>` → activity id: the one-activity-per-user-per-SCID rule. */
  const activityByOwner = new Map<string, string>();
  const inviteLog: InviteRecord[] = [];

  const ownerKey = (scid: string, xuid: string) => `${scid.toLowerCase()}/${xuid}`;

  function remove(id: string): boolean {
    const handle = handles.get(id);
    if (handle === undefined) return false;
    handles.delete(id);
    if (handle.type === 'activity') activityByOwner.delete(ownerKey(handle.sessionRef.scid, handle.ownerXuid));
    return true;
  }

  return {
    setActivity(ownerXuid, titleId, ref, inviteProtocol) {
      const previous = activityByOwner.get(ownerKey(ref.scid, ownerXuid));
      if (previous !== undefined) remove(previous);
      const handle: ActivityHandle = { id: randomUUID(), type: 'activity', sessionRef: { ...ref }, ownerXuid, createTime: now() };
      if (titleId !== undefined) handle.titleId = titleId;
      if (inviteProtocol !== undefined) handle.inviteProtocol = inviteProtocol;
      handles.set(handle.id, handle);
      activityByOwner.set(ownerKey(ref.scid, ownerXuid), handle.id);
      return handle;
    },
    sendInvite(senderXuid, invitedXuid, ref, attributes) {
      const createTime = now();
      const handle: InviteHandle = {
        id: randomUUID(),
        type: 'invite',
        sessionRef: { ...ref },
        senderXuid,
        invitedXuid,
        inviteAttributes: { ...attributes },
        createTime,
        expiration: createTime + INVITE_LIFETIME_MS,
      };
      handles.set(handle.id, handle);
      inviteLog.push({
        id: handle.id,
        senderXuid,
        invitedXuid,
        sessionRef: { ...ref },
        inviteAttributes: { ...attributes },
        createdAt: new Date(createTime).toISOString(),
      });
      return handle;
    },
    createTransfer(ownerXuid, ref, origin) {
      const handle: TransferHandle = {
        id: randomUUID(),
        type: 'transfer',
        sessionRef: { ...ref },
        originSessionRef: { ...origin },
        ownerXuid,
        createTime: now(),
      };
      handles.set(handle.id, handle);
      return handle;
    },
    createSearch(ownerXuid, titleId, ref, attributes) {
      const handle: SearchHandle = {
        id: randomUUID(),
        type: 'search',
        sessionRef: { ...ref },
        searchAttributes: attributes,
        ownerXuid,
        createTime: now(),
      };
      if (titleId !== undefined) handle.titleId = titleId;
      handles.set(handle.id, handle);
      return handle;
    },
    searchOf(ref) {
      const key = sessionKey(ref);
      for (const handle of handles.values()) if (handle.type === 'search' && sessionKey(handle.sessionRef) === key) return handle;
      return undefined;
    },
    searches(scid, templateName) {
      const prefix = sessionKey({ scid, templateName, name: '' });
      return [...handles.values()]
        .filter((handle): handle is SearchHandle => handle.type === 'search' && sessionKey(handle.sessionRef).startsWith(prefix))
        .sort((left, right) => left.createTime - right.createTime);
    },
    dropSession(ref) {
      const key = sessionKey(ref);
      for (const handle of [...handles.values()]) {
        if ((handle.type === 'transfer' || handle.type === 'search') && sessionKey(handle.sessionRef) === key) remove(handle.id);
      }
    },
    find(id) {
      const key = id.toLowerCase();
      const handle = handles.get(key);
      if (handle?.type === 'invite' && handle.expiration <= now()) {
        handles.delete(key);
        return undefined;
      }
      return handle;
    },
    remove: (id) => remove(id.toLowerCase()),
    dropActivity(ref, xuid) {
      const id = activityByOwner.get(ownerKey(ref.scid, xuid));
      const handle = id === undefined ? undefined : handles.get(id);
      if (handle !== undefined && sessionKey(handle.sessionRef) === sessionKey(ref)) remove(handle.id);
    },
    activities(scid, owners) {
      const found: ActivityHandle[] = [];
      for (const xuid of owners) {
        const id = activityByOwner.get(ownerKey(scid, xuid));
        const handle = id === undefined ? undefined : handles.get(id);
        if (handle?.type === 'activity') found.push(handle);
      }
      return found.sort((left, right) => left.createTime - right.createTime);
    },
    invites: () =>
      inviteLog.map((record) => ({ ...record, sessionRef: { ...record.sessionRef }, inviteAttributes: { ...record.inviteAttributes } })),
  };
}

/** The handle as MPSD returns it (reference §2.5). */
export function handleDocument(handle: StoredHandle): Record<string, unknown> {
  const common = {
    id: handle.id,
    type: handle.type,
    version: 1,
    sessionRef: { ...handle.sessionRef },
    createTime: new Date(handle.createTime).toISOString(),
  };
  if (handle.type === 'activity' || handle.type === 'search') {
    const owned: Record<string, unknown> = { ...common, ownerXuid: handle.ownerXuid };
    if (handle.titleId !== undefined) owned.titleId = handle.titleId;
    if (handle.type === 'activity' && handle.inviteProtocol !== undefined) owned.inviteProtocol = handle.inviteProtocol;
    if (handle.type === 'search') owned.searchAttributes = structuredClone(handle.searchAttributes);
    return owned;
  }
  // fix:1129-1157: a transfer handle is its body plus an id.
  if (handle.type === 'transfer') return { ...common, originSessionRef: { ...handle.originSessionRef }, ownerXuid: handle.ownerXuid };
  return {
    ...common,
    titleId: handle.inviteAttributes.titleId,
    senderXuid: handle.senderXuid,
    invitedXuid: handle.invitedXuid,
    inviteAttributes: { ...handle.inviteAttributes },
    expiration: new Date(handle.expiration).toISOString(),
  };
}
