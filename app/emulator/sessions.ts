/**
 * The sessions the local MPSD holds, in memory (mpsd-sessions-and-invitees.md §1-§3): a
 * session starts as a copy of its template's constants, which no write may change (409);
 * members are reserved, ready, active or inactive, and the template's timeouts move them
 * lazily, just before each read or write (DET:430-436); the access rules of
 * `session-access.ts` decide who reads and joins. `onMemberGone` fires when a member stops
 * being active or leaves (its activity handle goes, as on MPSD); `onSessionGone` when a
 * session is deleted (transfer and search handles go with their target).
 */
import { randomUUID } from 'node:crypto';
import type { FollowGraph } from './follow-graph.ts';
import type { SessionRefValue } from './handle-bodies.ts';
import type { PresenceBook } from './presence.ts';
import { presenceBacks } from './presence.ts';
import type { HandleGrant } from './session-access.ts';
import { RESTRICTION_RANK, checkJoin, checkRead, fullRefusal, isFull } from './session-access.ts';
import type { MemberDelta, Reservation, Restriction, SessionDelta, SessionPropertiesDelta, Subscription } from './session-bodies.ts';
import type { SystemConstants } from './session-constants.ts';
import { constantDefaults, constantRuleProblem } from './session-constants.ts';
import type { SessionTemplate, TemplateCatalog } from './templates.ts';
import type { Caller } from './user-directory.ts';
import { MpsdRefusal, badRequest } from './wire-checks.ts';

export type MemberStatus = 'reserved' | 'ready' | 'active' | 'inactive';

export interface SessionMember {
  index: number;
  xuid: string;
  gamertag: string;
  initialize: boolean;
  status: MemberStatus;
  /** When the member entered its status: the timeouts count from here. */
  statusSince: number;
  /** The device of the member's last write (reserved members have none yet). */
  deviceId?: string;
  /** The title of the token that made the member active (MSD:802-803). */
  activeTitleId?: string;
  connection?: string;
  subscription?: Subscription;
  constantsCustom: Record<string, unknown>;
  propertiesCustom: Record<string, unknown>;
  joinTime: number;
}

export interface StoredSession {
  ref: SessionRefValue;
  /** In contract 107's shape, with every default filled in. */
  constants: { system: SystemConstants; custom: Record<string, unknown> };
  properties: {
    joinRestriction: Restriction;
    readRestriction: Restriction;
    closed: boolean;
    locked: boolean;
    custom: Record<string, unknown>;
  };
  /** Keyed by XUID; reserved users included. */
  members: Map<string, SessionMember>;
  /** Who left (or timed out): the only users a locked session lets back in. */
  formerMembers: Set<string>;
  /** With `capabilities.hasOwners`: the creator, then whoever `ownershipPolicies.migration` picks. */
  owners: Set<string>;
  nextIndex: number;
  etag: string;
  startTime: number;
  correlationId: string;
  /** When the last member went; the session goes after `sessionEmptyTimeout`. */
  emptySince: number | null;
}

/**
 * A refusal whose body is the session, as MPSD answers a readable but not writable session
 * (403, SC:34) and a failed write condition (412 with the current session and ETag,
 * S:43, svc:1073-1092). The route renders it in the caller's contract version.
 */
export class RefusalWithSession extends MpsdRefusal {
  readonly session: StoredSession;

  constructor(status: 403 | 412, message: string, session: StoredSession) {
    super(status, message);
    this.session = session;
  }
}

/** From the If-Match / If-None-Match headers (reference §2.6). */
export type WriteCondition = { kind: 'any' } | { kind: 'create' } | { kind: 'update' } | { kind: 'match'; etag: string };

export type SessionWrite = { outcome: 'created' | 'updated'; session: StoredSession } | { outcome: 'empty' };

export interface SessionDirectory {
  /** The session after its timers ran, without access checks (handles use it). */
  find(ref: SessionRefValue): StoredSession | undefined;
  /** The session as `caller` may read it: undefined when missing, MpsdRefusal 403 when not readable. */
  read(ref: SessionRefValue, caller: Caller, grant: HandleGrant): StoredSession | undefined;
  /** Applies a PUT; throws MpsdRefusal 400/403/409/412 before changing anything. 'empty' means no session is left (answer 204). */
  write(ref: SessionRefValue, delta: SessionDelta, caller: Caller, condition: WriteCondition, grant: HandleGrant): SessionWrite;
  /** `DELETE .../members/me`; true when the caller was a member. */
  leave(ref: SessionRefValue, xuid: string): boolean;
  isActiveMember(ref: SessionRefValue, xuid: string): boolean;
}

export interface SessionRules {
  templates: TemplateCatalog;
  follows: FollowGraph;
  /** null: no presence check (the default). */
  presence: PresenceBook | null;
}

/** One key per session: SCID and template case do not matter, the name is kept as sent. */
export function sessionKey(ref: SessionRefValue): string {
  return `${ref.scid.toLowerCase()}/${ref.templateName.toLowerCase()}/${ref.name}`;
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

/**
 * Sent constants must equal `fixed` wherever `fixed` has a value (TPL:21-22, 51-53; SC:37).
 * Capabilities compare one by one; `addCapabilities` says whether unset ones may be added
 * (at creation, unless the template wrote an empty `{}`, TC:47).
 */
function checkConstantsAgree(
  fixed: SystemConstants,
  custom: Record<string, unknown>,
  sent: SessionDelta['constants'],
  what: string,
  addCapabilities: boolean,
): void {
  const { capabilities: sentCapabilities, ...sentSystem } = sent?.system ?? {};
  for (const [field, value] of Object.entries(sentSystem)) {
    const current = fixed[field as keyof SystemConstants];
    if (current !== undefined && !sameJson(current, value)) {
      conflict(
        `constants.system.${field} is set by ${what} to ${JSON.stringify(current)} and cannot be changed; leave it out or send the same value.`,
      );
    }
  }
  const fixedCapabilities = fixed.capabilities;
  if (sentCapabilities !== undefined && fixedCapabilities !== undefined) {
    for (const [name, value] of Object.entries(sentCapabilities)) {
      const current = fixedCapabilities[name as keyof typeof fixedCapabilities];
      if (current === undefined && !addCapabilities) {
        conflict(
          Object.keys(fixedCapabilities).length === 0
            ? `${what} sets capabilities to {}, which forbids adding capabilities; leave constants.system.capabilities out.`
            : `constants.system.capabilities.${name} is not set by ${what} and cannot be added now.`,
        );
      }
      if (current !== undefined && current !== value) {
        conflict(
          `constants.system.capabilities.${name} is set by ${what} to ${current} and cannot be changed; leave it out or send the same value.`,
        );
      }
    }
  }
  for (const [field, value] of Object.entries(sent?.custom ?? {})) {
    if (field in custom && !sameJson(custom[field], value)) {
      conflict(`constants.custom.${field} is set by ${what} and cannot be changed; leave it out or send the same value.`);
    }
  }
}

/** A template's constants plus what the creating PUT adds. */
function creationConstants(template: SessionTemplate, sent: SessionDelta['constants']): StoredSession['constants'] {
  const templateCapabilities = template.system.capabilities;
  const blocked = templateCapabilities !== undefined && Object.keys(templateCapabilities).length === 0;
  checkConstantsAgree(template.system, template.custom, sent, `the session template ${template.name}`, !blocked);
  const system: SystemConstants = { ...constantDefaults(template.contractVersion), ...template.system, ...sent?.system };
  const sentCapabilities = sent?.system?.capabilities;
  if (templateCapabilities !== undefined || sentCapabilities !== undefined)
    system.capabilities = { ...sentCapabilities, ...templateCapabilities };
  const problem = constantRuleProblem(system);
  if (problem !== null) badRequest(problem);
  return { system, custom: { ...template.custom, ...sent?.custom } };
}

/** FAQ:128-134: a session with member initialization starts only with enough `initialize` members. */
function checkInitialization(system: SystemConstants, template: SessionTemplate, initializing: number): void {
  if (system.memberInitialization === undefined) return;
  const needed = system.memberInitialization.membersNeededToStart ?? (template.contractVersion >= 107 ? 1 : 2);
  if (initializing < needed) {
    badRequest(`This session is configured for managed initialization requiring at least ${needed} members to start.`);
  }
}

function checkCondition(existing: StoredSession | undefined, condition: WriteCondition): void {
  if (condition.kind === 'create' && existing !== undefined) {
    throw new RefusalWithSession(412, 'The session already exists (If-None-Match: * asks to create only).', existing);
  }
  if (condition.kind === 'update' && existing === undefined) {
    throw new MpsdRefusal(412, "The session doesn't exist (If-Match asks to update an existing session only).");
  }
  if (condition.kind === 'match' && (existing === undefined || existing.etag !== condition.etag)) {
    const message = 'The session has changed since that ETag was read (If-Match failed); read it again and retry.';
    if (existing === undefined) throw new MpsdRefusal(412, message);
    throw new RefusalWithSession(412, message, existing);
  }
}

/** The session properties after `delta`, checked (hdr:1779, 1848-1851) but not yet applied. */
function nextProperties(current: StoredSession['properties'], delta: SessionPropertiesDelta | undefined): StoredSession['properties'] {
  const next = { ...current, custom: { ...current.custom } };
  if (delta === undefined) return next;
  if (delta.joinRestriction !== undefined) next.joinRestriction = delta.joinRestriction;
  if (delta.readRestriction !== undefined) next.readRestriction = delta.readRestriction;
  if (delta.closed !== undefined) next.closed = delta.closed;
  if (delta.locked !== undefined) next.locked = delta.locked;
  mergeCustom(next.custom, delta.custom);
  if (next.locked && !next.closed) badRequest('properties.system.locked needs properties.system.closed: true as well.');
  if (RESTRICTION_RANK[next.readRestriction] > RESTRICTION_RANK[next.joinRestriction]) {
    badRequest(
      `properties.system.readRestriction (${next.readRestriction}) must be at least as open as joinRestriction (${next.joinRestriction}); open to closed: none, followed, local.`,
    );
  }
  return next;
}

/** `userAuthorizationStyle` defaults both restrictions to local (TC:58); otherwise none. */
function defaultProperties(system: SystemConstants): StoredSession['properties'] {
  const restriction: Restriction = system.capabilities?.userAuthorizationStyle === true ? 'local' : 'none';
  return { joinRestriction: restriction, readRestriction: restriction, closed: false, locked: false, custom: {} };
}

function timeoutOf(session: StoredSession, status: MemberStatus): number | null {
  const system = session.constants.system;
  const value =
    status === 'reserved'
      ? system.reservedRemovalTimeout
      : status === 'ready'
        ? system.readyRemovalTimeout
        : status === 'inactive'
          ? system.inactiveRemovalTimeout
          : null;
  return value ?? null;
}

/** The status a member's own write asks for (MSD:902-912): active and ready exclude each other. */
function requestedStatus(current: MemberStatus, delta: MemberDelta): MemberStatus {
  if (delta.active === true) return 'active';
  if (delta.ready === true) return 'ready';
  if ((delta.active === false && current === 'active') || (delta.ready === false && current === 'ready')) return 'inactive';
  return current === 'reserved' ? 'inactive' : current;
}

export function createSessionDirectory(
  now: () => number,
  rules: SessionRules,
  onMemberGone: (ref: SessionRefValue, xuid: string) => void,
  onSessionGone: (ref: SessionRefValue) => void,
): SessionDirectory {
  const sessions = new Map<string, StoredSession>();

  function deleteSession(session: StoredSession): void {
    sessions.delete(sessionKey(session.ref));
    onSessionGone(session.ref);
  }

  /** The owner went: `oldest` hands ownership to the longest-standing member, `endsession` (default) ends the session (TC:273). */
  function migrateOwnership(session: StoredSession): boolean {
    if (session.constants.system.capabilities?.hasOwners !== true || session.owners.size > 0) return true;
    const remaining = [...session.members.values()].filter((member) => member.status !== 'reserved');
    if (remaining.length === 0) return true;
    if (session.constants.system.ownershipPolicies?.migration === 'oldest') {
      const oldest = remaining.reduce((left, right) => (right.joinTime < left.joinTime ? right : left));
      session.owners.add(oldest.xuid);
      return true;
    }
    deleteSession(session);
    return false;
  }

  /** Removes a member; false when that ended the session. */
  function removeMember(session: StoredSession, xuid: string): boolean {
    const member = session.members.get(xuid);
    if (member === undefined) return true;
    session.members.delete(xuid);
    if (member.status !== 'reserved') {
      session.formerMembers.add(xuid);
      onMemberGone(session.ref, xuid);
    }
    session.owners.delete(xuid);
    return migrateOwnership(session);
  }

  /** An empty session lives `sessionEmptyTimeout` (0: not at all, null: forever; DET:607). False when it is gone. */
  function settleEmpty(session: StoredSession, at: number): boolean {
    if (session.members.size > 0) {
      session.emptySince = null;
      return true;
    }
    session.emptySince ??= at;
    const timeout = session.constants.system.sessionEmptyTimeout ?? null;
    if (timeout !== null && at >= session.emptySince + timeout) {
      deleteSession(session);
      return false;
    }
    return true;
  }

  /** Runs the timers and the presence check, one transition per member (DET:430-436). */
  function settle(session: StoredSession): StoredSession | undefined {
    const at = now();
    let changed = false;
    const presenceChecked = rules.presence !== null && session.constants.system.capabilities?.suppressPresenceActivityCheck !== true;
    for (const member of [...session.members.values()]) {
      if (member.status === 'active') {
        if (presenceChecked && !presenceBacks(rules.presence as PresenceBook, member.xuid, member.activeTitleId)) {
          member.status = 'inactive';
          member.statusSince = at;
          onMemberGone(session.ref, member.xuid);
          changed = true;
        }
        continue;
      }
      const timeout = timeoutOf(session, member.status);
      if (timeout === null || at < member.statusSince + timeout) continue;
      changed = true;
      if (member.status === 'ready') {
        member.status = 'inactive';
        member.statusSince = at;
      } else if (!removeMember(session, member.xuid)) {
        return undefined;
      }
    }
    if (!settleEmpty(session, at)) return undefined;
    if (changed) session.etag = newEtag();
    return session;
  }

  function settled(ref: SessionRefValue): StoredSession | undefined {
    const session = sessions.get(sessionKey(ref));
    return session === undefined ? undefined : settle(session);
  }

  function newSession(ref: SessionRefValue, constants: StoredSession['constants'], at: number): StoredSession {
    return {
      ref: { ...ref },
      constants,
      properties: defaultProperties(constants.system),
      members: new Map(),
      formerMembers: new Set(),
      owners: new Set(),
      nextIndex: 0,
      etag: newEtag(),
      startTime: at,
      correlationId: randomUUID(),
      emptySince: null,
    };
  }

  function addMember(
    session: StoredSession,
    xuid: string,
    gamertag: string,
    status: MemberStatus,
    initialize: boolean,
    custom: Record<string, unknown>,
    at: number,
  ): SessionMember {
    const member: SessionMember = {
      index: session.nextIndex,
      xuid,
      gamertag,
      initialize,
      status,
      statusSince: at,
      constantsCustom: { ...custom },
      propertiesCustom: {},
      joinTime: at,
    };
    session.nextIndex += 1;
    session.members.set(xuid, member);
    return member;
  }

  /** The caller's own member after `delta`; the member's constants were checked before. */
  function applyMe(session: StoredSession, member: SessionMember | undefined, delta: MemberDelta, caller: Caller, at: number): void {
    const target =
      member ?? addMember(session, caller.xuid, caller.gamertag, 'inactive', delta.initialize ?? false, delta.constantsCustom ?? {}, at);
    const before = target.status;
    const after = requestedStatus(before, delta);
    if (before === 'reserved') {
      // The seat becomes the user's own: their gamertag and join time come with their first PUT.
      target.joinTime = at;
      target.gamertag = caller.gamertag;
    }
    if (after !== before) {
      target.status = after;
      target.statusSince = at;
    }
    target.deviceId = caller.deviceId;
    if (after === 'active' && (before !== 'active' || caller.titleId !== undefined)) {
      if (caller.titleId === undefined) delete target.activeTitleId;
      else target.activeTitleId = caller.titleId;
    }
    if (delta.connection !== undefined) {
      if (delta.connection === null) delete target.connection;
      else target.connection = delta.connection;
    }
    if (delta.subscription !== undefined) {
      if (delta.subscription === null) delete target.subscription;
      else target.subscription = delta.subscription;
    }
    mergeCustom(target.propertiesCustom, delta.propertiesCustom);
    if (before === 'active' && after !== 'active') onMemberGone(session.ref, caller.xuid);
  }

  function reserve(session: StoredSession, reservations: readonly Reservation[], at: number): void {
    for (const seat of reservations) {
      if (session.members.has(seat.xuid)) continue;
      addMember(session, seat.xuid, '', 'reserved', seat.initialize, seat.constantsCustom, at);
    }
  }

  /** Checks a write to an existing session; throws before anything changes. */
  function checkExisting(session: StoredSession, delta: SessionDelta, caller: Caller, grant: HandleGrant): void {
    const member = session.members.get(caller.xuid);
    const isMember = member !== undefined && member.status !== 'reserved';
    const joining = delta.me !== undefined && delta.me !== null && !isMember;
    const changes = delta.constants !== undefined || delta.properties !== undefined || delta.reservations.length > 0;
    if (!isMember && !joining) {
      checkRead(session, caller, rules.follows, grant);
      if (changes) throw new RefusalWithSession(403, 'Only members can change a session; join it with members.me first.', session);
      return;
    }
    if (joining) checkJoin(session, caller, rules.follows, grant);
    if (delta.constants !== undefined) {
      checkConstantsAgree(
        session.constants.system,
        session.constants.custom,
        delta.constants,
        'this session (constants never change after creation)',
        false,
      );
    }
    if (member !== undefined && isMember && delta.me != null) {
      if (delta.me.initialize !== undefined && delta.me.initialize !== member.initialize) {
        conflict('members.me.constants.system.initialize was set when you joined and cannot change.');
      }
      if (delta.me.constantsCustom !== undefined && !sameJson(delta.me.constantsCustom, member.constantsCustom)) {
        conflict('members.me.constants.custom was set when you joined and cannot change.');
      }
    }
    const newSeats = new Set(
      delta.reservations.map((seat) => seat.xuid).filter((xuid) => !session.members.has(xuid) && xuid !== caller.xuid),
    );
    if (newSeats.size > 0 && isFull(session, newSeats.size + (joining && member === undefined ? 1 : 0))) throw fullRefusal(session);
  }

  function checkMe(delta: SessionDelta, caller: Caller): void {
    if (delta.me != null && delta.me.xuid !== undefined && delta.me.xuid !== caller.xuid) {
      throw new MpsdRefusal(403, "members.me.constants.system.xuid doesn't match the caller's token; 'me' is always the caller.");
    }
  }

  return {
    find: (ref) => settled(ref),

    read(ref, caller, grant) {
      const session = settled(ref);
      if (session !== undefined) checkRead(session, caller, rules.follows, grant);
      return session;
    },

    write(ref, delta, caller, condition, grant) {
      const existing = settled(ref);
      checkCondition(existing, condition);
      checkMe(delta, caller);
      const member = existing?.members.get(caller.xuid);
      const joining = delta.me != null && (member === undefined || member.status === 'reserved');
      if (joining && delta.me?.xuid === undefined) {
        throw new MpsdRefusal(400, 'members.me.constants.system.xuid is required when joining; set it to your own XUID.');
      }
      const at = now();
      let session: StoredSession;
      let properties: StoredSession['properties'];
      if (existing === undefined) {
        const template = rules.templates.find(ref.scid, ref.templateName);
        const constants = creationConstants(template, delta.constants);
        const seats = new Set(delta.reservations.map((seat) => seat.xuid).filter((xuid) => xuid !== caller.xuid));
        if (
          joining
            ? 1 + seats.size > (constants.system.maxMembersCount as number)
            : seats.size > (constants.system.maxMembersCount as number)
        ) {
          badRequest(`The session would hold more members than its maxMembersCount ${constants.system.maxMembersCount}.`);
        }
        // FAQ:138-144: nobody in it and no empty lifetime, so nothing is created.
        if (!joining && seats.size === 0 && (constants.system.sessionEmptyTimeout ?? null) === 0) return { outcome: 'empty' };
        const initializing =
          (joining && delta.me?.initialize === true ? 1 : 0) + delta.reservations.filter((seat) => seat.initialize).length;
        checkInitialization(constants.system, template, initializing);
        session = newSession(ref, constants, at);
        properties = nextProperties(session.properties, delta.properties);
        if (joining && constants.system.capabilities?.hasOwners === true) session.owners.add(caller.xuid);
      } else {
        checkExisting(existing, delta, caller, grant);
        session = existing;
        properties = nextProperties(existing.properties, delta.properties);
      }

      session.properties = properties;
      if (delta.me === null) {
        if (member !== undefined && !removeMember(session, caller.xuid)) return { outcome: 'empty' };
      } else if (delta.me !== undefined) {
        applyMe(session, member, delta.me, caller, at);
      }
      reserve(session, delta.reservations, at);
      sessions.set(sessionKey(ref), session);
      if (!settleEmpty(session, at)) return { outcome: 'empty' };
      session.etag = newEtag();
      if (session.members.size === 0) return { outcome: 'empty' };
      return { outcome: existing === undefined ? 'created' : 'updated', session };
    },

    leave(ref, xuid) {
      const session = settled(ref);
      if (session === undefined || !session.members.has(xuid)) return false;
      if (removeMember(session, xuid) && settleEmpty(session, now())) session.etag = newEtag();
      return true;
    },

    isActiveMember(ref, xuid) {
      return settled(ref)?.members.get(xuid)?.status === 'active';
    },
  };
}

/** What `include=relatedInfo` adds to a queried handle. */
export function relatedInfo(session: StoredSession): Record<string, unknown> {
  const full = isFull(session, 1);
  return {
    // MSD:364: queries report a full session's visibility as `full`.
    visibility: full ? 'full' : session.constants.system.visibility,
    joinRestriction: session.properties.joinRestriction,
    closed: session.properties.closed,
    maxMembersCount: session.constants.system.maxMembersCount,
    membersCount: session.members.size,
  };
}
