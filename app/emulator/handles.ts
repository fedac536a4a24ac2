/**
 * The handles the local MPSD holds: activity handles (one per user per SCID, a new one
 * replaces the old) and invite handles (one invitee each, kept until they expire). Every
 * invite ever created is also kept in a log so tests can see what a client sent.
 */
import { randomUUID } from 'node:crypto';
import type { InviteAttributes, SessionRefValue } from './handle-bodies.ts';
import { sessionKey } from './sessions.ts';

export interface ActivityHandle {
  id: string;
  type: 'activity';
  sessionRef: SessionRefValue;
  ownerXuid: string;
  titleId?: string;
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

export type StoredHandle = ActivityHandle | InviteHandle;

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
  setActivity(ownerXuid: string, titleId: string | undefined, ref: SessionRefValue): ActivityHandle;
  sendInvite(senderXuid: string, invitedXuid: string, ref: SessionRefValue, attributes: InviteAttributes): InviteHandle;
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
    setActivity(ownerXuid, titleId, ref) {
      const previous = activityByOwner.get(ownerKey(ref.scid, ownerXuid));
      if (previous !== undefined) remove(previous);
      const handle: ActivityHandle = { id: randomUUID(), type: 'activity', sessionRef: { ...ref }, ownerXuid, createTime: now() };
      if (titleId !== undefined) handle.titleId = titleId;
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
    invites: () => inviteLog.map((record) => ({ ...record, sessionRef: { ...record.sessionRef }, inviteAttributes: { ...record.inviteAttributes } })),
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
  if (handle.type === 'activity') {
    return handle.titleId === undefined
      ? { ...common, ownerXuid: handle.ownerXuid }
      : { ...common, ownerXuid: handle.ownerXuid, titleId: handle.titleId };
  }
  return {
    ...common,
    titleId: handle.inviteAttributes.titleId,
    senderXuid: handle.senderXuid,
    invitedXuid: handle.invitedXuid,
    inviteAttributes: { ...handle.inviteAttributes },
    expiration: new Date(handle.expiration).toISOString(),
  };
}
