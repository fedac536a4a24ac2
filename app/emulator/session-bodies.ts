/**
 * Strict reading of a session PUT body (reference §2.6). The stand-in models the parts a
 * handle needs: the caller's own member ("me"), visibility, size and join rules, and custom
 * properties. Everything else is refused by name so a client learns what it sent.
 */
import {
  badRequest,
  checkKeys,
  checkObject,
  checkOptionalBoolean,
  checkXuid,
} from './wire-checks.ts';

export const visibilities = ['private', 'visible', 'open'] as const;
export const joinRestrictions = ['none', 'local', 'followed'] as const;
export type Visibility = (typeof visibilities)[number];
export type JoinRestriction = (typeof joinRestrictions)[number];

export interface SessionConstantsDelta {
  visibility?: Visibility;
  maxMembersCount?: number;
  inviteProtocol?: string;
  custom?: Record<string, unknown>;
}

export interface SessionPropertiesDelta {
  joinRestriction?: JoinRestriction;
  closed?: boolean;
  custom?: Record<string, unknown>;
}

export interface MemberDelta {
  xuid?: string;
  initialize?: boolean;
  constantsCustom?: Record<string, unknown>;
  active?: boolean;
  propertiesCustom?: Record<string, unknown>;
}

export interface SessionDelta {
  constants?: SessionConstantsDelta;
  properties?: SessionPropertiesDelta;
  /** undefined: the caller's member is untouched; null: the caller leaves. */
  me?: MemberDelta | null;
}

/** MPSD's upper bound on a session's size. */
export const MAX_MEMBERS_LIMIT = 100;

function readCustom(value: unknown, field: string): Record<string, unknown> | undefined {
  return value === undefined ? undefined : checkObject(value, field);
}

function readChoice<T extends string>(value: unknown, choices: readonly T[], field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    badRequest(`${field} must be one of ${choices.join(', ')}.`);
  }
  return value as T;
}

function readConstants(value: unknown): SessionConstantsDelta {
  const constants = checkObject(value, 'constants');
  checkKeys(constants, ['system', 'custom'], 'constants');
  const result: SessionConstantsDelta = {};
  if (constants.system !== undefined) {
    const system = checkObject(constants.system, 'constants.system');
    checkKeys(system, ['visibility', 'maxMembersCount', 'inviteProtocol'], 'constants.system');
    const visibility = readChoice(system.visibility, visibilities, 'constants.system.visibility');
    if (visibility !== undefined) result.visibility = visibility;
    if (system.maxMembersCount !== undefined) {
      const count = system.maxMembersCount;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_MEMBERS_LIMIT) {
        badRequest(`constants.system.maxMembersCount must be a whole number from 1 to ${MAX_MEMBERS_LIMIT}.`);
      }
      result.maxMembersCount = count;
    }
    if (system.inviteProtocol !== undefined) {
      if (typeof system.inviteProtocol !== 'string' || system.inviteProtocol === '') {
        badRequest('constants.system.inviteProtocol must be a non-empty string such as "game".');
      }
      result.inviteProtocol = system.inviteProtocol;
    }
  }
  const custom = readCustom(constants.custom, 'constants.custom');
  if (custom !== undefined) result.custom = custom;
  return result;
}

function readProperties(value: unknown): SessionPropertiesDelta {
  const properties = checkObject(value, 'properties');
  checkKeys(properties, ['system', 'custom'], 'properties');
  const result: SessionPropertiesDelta = {};
  if (properties.system !== undefined) {
    const system = checkObject(properties.system, 'properties.system');
    checkKeys(system, ['joinRestriction', 'closed'], 'properties.system');
    const joinRestriction = readChoice(system.joinRestriction, joinRestrictions, 'properties.system.joinRestriction');
    if (joinRestriction !== undefined) result.joinRestriction = joinRestriction;
    const closed = checkOptionalBoolean(system.closed, 'properties.system.closed');
    if (closed !== undefined) result.closed = closed;
  }
  const custom = readCustom(properties.custom, 'properties.custom');
  if (custom !== undefined) result.custom = custom;
  return result;
}

function readMember(value: unknown): MemberDelta | null {
  if (value === null) return null;
  const member = checkObject(value, 'members.me');
  checkKeys(member, ['constants', 'properties'], 'members.me');
  const result: MemberDelta = {};
  if (member.constants !== undefined) {
    const constants = checkObject(member.constants, 'members.me.constants');
    checkKeys(constants, ['system', 'custom'], 'members.me.constants');
    if (constants.system !== undefined) {
      const system = checkObject(constants.system, 'members.me.constants.system');
      checkKeys(system, ['initialize', 'xuid'], 'members.me.constants.system');
      if (system.xuid !== undefined) result.xuid = checkXuid(system.xuid, 'members.me.constants.system.xuid');
      const initialize = checkOptionalBoolean(system.initialize, 'members.me.constants.system.initialize');
      if (initialize !== undefined) result.initialize = initialize;
    }
    const custom = readCustom(constants.custom, 'members.me.constants.custom');
    if (custom !== undefined) result.constantsCustom = custom;
  }
  if (member.properties !== undefined) {
    const properties = checkObject(member.properties, 'members.me.properties');
    checkKeys(properties, ['system', 'custom'], 'members.me.properties');
    if (properties.system !== undefined) {
      const system = checkObject(properties.system, 'members.me.properties.system');
      checkKeys(system, ['active'], 'members.me.properties.system');
      const active = checkOptionalBoolean(system.active, 'members.me.properties.system.active');
      if (active !== undefined) result.active = active;
    }
    const custom = readCustom(properties.custom, 'members.me.properties.custom');
    if (custom !== undefined) result.propertiesCustom = custom;
  }
  return result;
}

/** Reads the body of `PUT .../sessions/{name}`. */
export function readSessionDelta(body: unknown): SessionDelta {
  const session = checkObject(body, 'The request body');
  checkKeys(session, ['constants', 'properties', 'members'], '');
  const delta: SessionDelta = {};
  if (session.constants !== undefined) delta.constants = readConstants(session.constants);
  if (session.properties !== undefined) delta.properties = readProperties(session.properties);
  if (session.members !== undefined) {
    const members = checkObject(session.members, 'members');
    checkKeys(members, ['me'], 'members');
    if (!('me' in members)) badRequest('members must hold "me" (this stand-in models only the caller\'s own member).');
    delta.me = readMember(members.me);
  }
  return delta;
}
