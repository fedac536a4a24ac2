/**
 * The sessions the local MPSD holds, in memory. Enough of MPSD's session model for handles
 * to be real: create/join/leave through the caller's own member, write conditions with
 * ETags (412), constants fixed at creation (409), and a session disappears when its last
 * member leaves. When a member leaves or goes inactive, `onMemberGone` fires so the
 * member's activity handle goes with it, as on MPSD.
 */
import { randomUUID } from 'node:crypto';
import type { SessionRefValue } from './handle-bodies.ts';
import type {
  JoinRestriction,
  MemberDelta,
  SessionConstantsDelta,
  SessionDelta,
  SessionPropertiesDelta,
  Visibility,
} from './session-bodies.ts';
import { MAX_MEMBERS_LIMIT } from './session-bodies.ts';
import type { Caller } from './user-directory.ts';
import { MpsdRefusal } from './wire-checks.ts';

export interface SessionMember {
  index: number;
  xuid: string;
  gamertag: string;
  initialize: boolean;
  active: boolean;
  constantsCustom: Record<string, unknown>;
  propertiesCustom: Record<string, unknown>;
  joinTime: number;
}

export interface StoredSession {
  ref: SessionRefValue;
  constants: { visibility: Visibility; maxMembersCount: number; inviteProtocol?: string; custom: Record<string, unknown> };
  properties: { joinRestriction: JoinRestriction; closed: boolean; custom: Record<string, unknown> };
  /** Keyed by XUID. */
  members: Map<string, SessionMember>;
  nextIndex: number;
  etag: string;
  startTime: number;
  correlationId: string;
}

/** From the If-Match / If-None-Match headers (reference §2.6). */
export type WriteCondition = { kind: 'any' } | { kind: 'create' } | { kind: 'update' } | { kind: 'match'; etag: string };

export type SessionWrite = { outcome: 'created' | 'updated'; session: StoredSession } | { outcome: 'empty' };

export interface SessionDirectory {
  find(ref: SessionRefValue): StoredSession | undefined;
  /** Applies a PUT; throws MpsdRefusal 403/409/412. 'empty' means no session is left (answer 204). */
  write(ref: SessionRefValue, delta: SessionDelta, caller: Caller, condition: WriteCondition): SessionWrite;
  /** `DELETE .../members/me`; true when the caller was a member. */
  leave(ref: SessionRefValue, xuid: string): boolean;
  isActiveMember(ref: SessionRefValue, xuid: string): boolean;
}

/** Values MPSD uses when a template does not set them. */
const DEFAULT_VISIBILITY: Visibility = 'open';
const DEFAULT_JOIN_RESTRICTION: JoinRestriction = 'none';

/** One key per session: SCID case does not matter, template and name are kept as sent. */
export function sessionKey(ref: SessionRefValue): string {
  return `${ref.scid.toLowerCase()}/${ref.templateName}/${ref.name}`;
}

function newEtag(): string {
  return `"${randomUUID().replaceAll('-', '')}"`;
}

function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** Shallow merge where null deletes a key, the way MPSD treats custom properties. */
function mergeCustom(target: Record<string, unknown>, delta: Record<string, unknown> | undefined): void {
  if (delta === undefined) return;
  for (const [key, value] of Object.entries(delta)) {
    if (value === null) delete target[key];
    else target[key] = value;
  }
}

function conflict(message: string): never {
  throw new MpsdRefusal(409, message);
}

/** Constants may be re-sent unchanged, never changed after creation. */
function checkConstantsUnchanged(session: StoredSession, delta: SessionConstantsDelta): void {
  for (const field of ['visibility', 'maxMembersCount', 'inviteProtocol'] as const) {
    if (delta[field] !== undefined && delta[field] !== session.constants[field]) {
      conflict(`constants.system.${field} is already set on this session and can only be set when the session is created.`);
    }
  }
  if (delta.custom !== undefined && !sameJson(delta.custom, session.constants.custom)) {
    conflict('constants.custom is already set on this session and can only be set when the session is created.');
  }
}

function checkMemberConstantsUnchanged(member: SessionMember, delta: MemberDelta): void {
  if (delta.initialize !== undefined && delta.initialize !== member.initialize) {
    conflict('members.me.constants.system.initialize was set when you joined and cannot change.');
  }
  if (delta.constantsCustom !== undefined && !sameJson(delta.constantsCustom, member.constantsCustom)) {
    conflict('members.me.constants.custom was set when you joined and cannot change.');
  }
}

function checkCondition(existing: StoredSession | undefined, condition: WriteCondition): void {
  if (condition.kind === 'create' && existing !== undefined) {
    throw new MpsdRefusal(412, 'The session already exists (If-None-Match: * asks to create only).');
  }
  if (condition.kind === 'update' && existing === undefined) {
    throw new MpsdRefusal(412, "The session doesn't exist (If-Match asks to update an existing session only).");
  }
  if (condition.kind === 'match' && (existing === undefined || existing.etag !== condition.etag)) {
    throw new MpsdRefusal(412, 'The session has changed since that ETag was read (If-Match failed); read it again and retry.');
  }
}

function newSession(ref: SessionRefValue, delta: SessionDelta, now: number): StoredSession {
  const session: StoredSession = {
    ref: { ...ref },
    constants: {
      visibility: delta.constants?.visibility ?? DEFAULT_VISIBILITY,
      maxMembersCount: delta.constants?.maxMembersCount ?? MAX_MEMBERS_LIMIT,
      custom: { ...delta.constants?.custom },
    },
    properties: { joinRestriction: DEFAULT_JOIN_RESTRICTION, closed: false, custom: {} },
    members: new Map(),
    nextIndex: 0,
    etag: newEtag(),
    startTime: now,
    correlationId: randomUUID(),
  };
  if (delta.constants?.inviteProtocol !== undefined) session.constants.inviteProtocol = delta.constants.inviteProtocol;
  return session;
}

function applyProperties(session: StoredSession, delta: SessionPropertiesDelta | undefined): void {
  if (delta === undefined) return;
  if (delta.joinRestriction !== undefined) session.properties.joinRestriction = delta.joinRestriction;
  if (delta.closed !== undefined) session.properties.closed = delta.closed;
  mergeCustom(session.properties.custom, delta.custom);
}

/**
 * Creates the session directory. `onMemberGone` is told when a member leaves or turns
 * inactive (the activity handle bound to that membership must go).
 */
export function createSessionDirectory(
  now: () => number,
  onMemberGone: (ref: SessionRefValue, xuid: string) => void,
): SessionDirectory {
  const sessions = new Map<string, StoredSession>();

  function removeMember(session: StoredSession, xuid: string): void {
    session.members.delete(xuid);
    onMemberGone(session.ref, xuid);
    if (session.members.size === 0) sessions.delete(sessionKey(session.ref));
  }

  return {
    find: (ref) => sessions.get(sessionKey(ref)),

    write(ref, delta, caller, condition) {
      const existing = sessions.get(sessionKey(ref));
      checkCondition(existing, condition);
      const member = existing?.members.get(caller.xuid);
      const joining = delta.me !== undefined && delta.me !== null && member === undefined;

      // Every check happens before anything changes, so a refused write leaves no trace.
      if (delta.me != null && delta.me.xuid !== undefined && delta.me.xuid !== caller.xuid) {
        throw new MpsdRefusal(403, "members.me.constants.system.xuid doesn't match the caller's token; 'me' is always the caller.");
      }
      if (joining && delta.me?.xuid === undefined) {
        throw new MpsdRefusal(400, 'members.me.constants.system.xuid is required when joining; set it to your own XUID.');
      }
      if (existing !== undefined) {
        if (member === undefined && !joining && (delta.constants !== undefined || delta.properties !== undefined)) {
          throw new MpsdRefusal(403, 'Only members can change a session; join it with members.me first.');
        }
        if (delta.constants !== undefined) checkConstantsUnchanged(existing, delta.constants);
        if (member !== undefined && delta.me != null) checkMemberConstantsUnchanged(member, delta.me);
        if (joining && existing.members.size >= existing.constants.maxMembersCount) {
          conflict(`The session is full (maxMembersCount ${existing.constants.maxMembersCount}).`);
        }
      }
      if (existing === undefined && !joining) return { outcome: 'empty' };

      const session = existing ?? newSession(ref, delta, now());
      applyProperties(session, delta.properties);
      if (delta.me === null) {
        if (member !== undefined) removeMember(session, caller.xuid);
      } else if (delta.me !== undefined) {
        const target: SessionMember = member ?? {
          index: session.nextIndex,
          xuid: caller.xuid,
          gamertag: caller.gamertag,
          initialize: delta.me.initialize ?? false,
          active: false,
          constantsCustom: { ...delta.me.constantsCustom },
          propertiesCustom: {},
          joinTime: now(),
        };
        if (member === undefined) {
          session.nextIndex += 1;
          session.members.set(caller.xuid, target);
        }
        const wasActive = target.active;
        if (delta.me.active !== undefined) target.active = delta.me.active;
        mergeCustom(target.propertiesCustom, delta.me.propertiesCustom);
        if (wasActive && !target.active) onMemberGone(session.ref, caller.xuid);
      }
      if (session.members.size === 0) return { outcome: 'empty' };
      session.etag = newEtag();
      sessions.set(sessionKey(ref), session);
      return { outcome: existing === undefined ? 'created' : 'updated', session };
    },

    leave(ref, xuid) {
      const session = sessions.get(sessionKey(ref));
      if (session === undefined || !session.members.has(xuid)) return false;
      removeMember(session, xuid);
      session.etag = newEtag();
      return true;
    },

    isActiveMember(ref, xuid) {
      return sessions.get(sessionKey(ref))?.members.get(xuid)?.active === true;
    },
  };
}

/** The session as MPSD shows it: members keyed by index, system and custom parts apart. */
export function sessionDocument(session: StoredSession): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  let active = 0;
  for (const member of session.members.values()) {
    if (member.active) active += 1;
    members[String(member.index)] = {
      constants: { system: { xuid: member.xuid, initialize: member.initialize }, custom: member.constantsCustom },
      properties: { system: { active: member.active }, custom: member.propertiesCustom },
      gamertag: member.gamertag,
      joinTime: new Date(member.joinTime).toISOString(),
    };
  }
  const indexes = [...session.members.values()].map((member) => member.index);
  const { custom: constantsCustom, ...constantsSystem } = session.constants;
  const { custom: propertiesCustom, ...propertiesSystem } = session.properties;
  return {
    contractVersion: 107,
    correlationId: session.correlationId,
    startTime: new Date(session.startTime).toISOString(),
    constants: { system: constantsSystem, custom: constantsCustom },
    properties: { system: propertiesSystem, custom: propertiesCustom },
    members,
    membersInfo: {
      first: Math.min(...indexes),
      next: session.nextIndex,
      count: session.members.size,
      accepted: session.members.size,
      active,
    },
  };
}

/** What `include=relatedInfo` adds to a queried handle. */
export function relatedInfo(session: StoredSession): Record<string, unknown> {
  return {
    visibility: session.constants.visibility,
    joinRestriction: session.properties.joinRestriction,
    closed: session.properties.closed,
    maxMembersCount: session.constants.maxMembersCount,
    membersCount: session.members.size,
  };
}
