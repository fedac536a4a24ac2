/**
 * Strict reading of a session PUT body (reference §2.6; mpsd-sessions-and-invitees.md §1-§3,
 * §5 "Joining"). The stand-in models the caller's own member ("me"), reservations
 * (`reserve_N`), system constants (via the shared schema), the join and read rules, and custom
 * properties. Anything else is refused by name so a client learns what it sent.
 */
import { fieldProblems } from '../shared/validation.ts';
import type { SystemConstants } from './session-constants.ts';
import { constantsFromContract, systemConstantsSchema } from './session-constants.ts';
import { MpsdRefusal, badRequest, checkKeys, checkObject, checkOptionalBoolean, checkXuid } from './wire-checks.ts';

export const restrictions = ['none', 'local', 'followed'] as const;
export type Restriction = (typeof restrictions)[number];

export interface SessionConstantsDelta {
  system?: SystemConstants;
  custom?: Record<string, unknown>;
}

export interface SessionPropertiesDelta {
  joinRestriction?: Restriction;
  readRestriction?: Restriction;
  closed?: boolean;
  locked?: boolean;
  custom?: Record<string, unknown>;
}

export interface Subscription {
  id: string;
  changeTypes: string[];
}

export interface MemberDelta {
  xuid?: string;
  initialize?: boolean;
  constantsCustom?: Record<string, unknown>;
  active?: boolean;
  ready?: boolean;
  /** The RTA connection id; null clears it. */
  connection?: string | null;
  subscription?: Subscription | null;
  propertiesCustom?: Record<string, unknown>;
}

/** `reserve_N`: a member reserves a seat for someone else (ses:469). */
export interface Reservation {
  xuid: string;
  initialize: boolean;
  constantsCustom: Record<string, unknown>;
}

export interface SessionDelta {
  constants?: SessionConstantsDelta;
  properties?: SessionPropertiesDelta;
  /** undefined: the caller's member is untouched; null: the caller leaves. */
  me?: MemberDelta | null;
  reservations: Reservation[];
}

/** FAQ:62-64: a user principal may only write its own member and reservations. */
export const MEMBER_REFERENCE_REFUSAL =
  "The request body can't contain existing member references unless the authentication principal includes a server.";

function readCustom(value: unknown, field: string): Record<string, unknown> | undefined {
  return value === undefined ? undefined : checkObject(value, field);
}

function readRestriction(value: unknown, field: string): Restriction | undefined {
  if (value === undefined) return undefined;
  // MPSD's docs write lower case, XSAPI's fixtures `None`: compare without case.
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (lower === undefined || !(restrictions as readonly string[]).includes(lower)) {
    badRequest(`${field} must be one of ${restrictions.join(', ')}.`);
  }
  return lower as Restriction;
}

function readSystemConstants(value: unknown, contract: number): SystemConstants {
  const system = checkObject(value, 'constants.system');
  const converted = constantsFromContract(system, contract);
  if (typeof converted === 'string') badRequest(converted);
  const parsed = systemConstantsSchema.safeParse(converted);
  if (!parsed.success) {
    const [first] = fieldProblems(parsed.error);
    badRequest(`constants.system${first?.field ? `.${first.field}` : ''}: ${first?.message ?? 'not valid'}`);
  }
  return parsed.data;
}

function readConstants(value: unknown, contract: number): SessionConstantsDelta {
  const constants = checkObject(value, 'constants');
  checkKeys(constants, ['system', 'custom'], 'constants');
  const result: SessionConstantsDelta = {};
  if (constants.system !== undefined) result.system = readSystemConstants(constants.system, contract);
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
    checkKeys(system, ['joinRestriction', 'readRestriction', 'closed', 'locked'], 'properties.system');
    const join = readRestriction(system.joinRestriction, 'properties.system.joinRestriction');
    if (join !== undefined) result.joinRestriction = join;
    const read = readRestriction(system.readRestriction, 'properties.system.readRestriction');
    if (read !== undefined) result.readRestriction = read;
    const closed = checkOptionalBoolean(system.closed, 'properties.system.closed');
    if (closed !== undefined) result.closed = closed;
    const locked = checkOptionalBoolean(system.locked, 'properties.system.locked');
    if (locked !== undefined) result.locked = locked;
  }
  const custom = readCustom(properties.custom, 'properties.custom');
  if (custom !== undefined) result.custom = custom;
  return result;
}

function readSubscription(value: unknown): Subscription | null {
  if (value === null) return null;
  const subscription = checkObject(value, 'members.me.properties.system.subscription');
  checkKeys(subscription, ['id', 'changeTypes'], 'members.me.properties.system.subscription');
  if (typeof subscription.id !== 'string' || subscription.id === '') {
    badRequest('members.me.properties.system.subscription.id is required: a GUID your client picks for this subscription.');
  }
  const changeTypes = subscription.changeTypes;
  // The doc does not list the change types, so any names pass; only the shape is checked.
  if (!Array.isArray(changeTypes) || changeTypes.some((type) => typeof type !== 'string' || type === '')) {
    badRequest('members.me.properties.system.subscription.changeTypes must be an array of change type names such as "everything".');
  }
  return { id: subscription.id, changeTypes: changeTypes as string[] };
}

function readMemberConstants(value: unknown, field: string): { xuid?: string; initialize?: boolean; custom?: Record<string, unknown> } {
  const constants = checkObject(value, field);
  checkKeys(constants, ['system', 'custom'], field);
  const result: { xuid?: string; initialize?: boolean; custom?: Record<string, unknown> } = {};
  if (constants.system !== undefined) {
    const system = checkObject(constants.system, `${field}.system`);
    checkKeys(system, ['initialize', 'xuid'], `${field}.system`);
    if (system.xuid !== undefined) result.xuid = checkXuid(system.xuid, `${field}.system.xuid`);
    const initialize = checkOptionalBoolean(system.initialize, `${field}.system.initialize`);
    if (initialize !== undefined) result.initialize = initialize;
  }
  const custom = readCustom(constants.custom, `${field}.custom`);
  if (custom !== undefined) result.custom = custom;
  return result;
}

function readMember(value: unknown): MemberDelta | null {
  if (value === null) return null;
  const member = checkObject(value, 'members.me');
  checkKeys(member, ['constants', 'properties'], 'members.me');
  const result: MemberDelta = {};
  if (member.constants !== undefined) {
    const constants = readMemberConstants(member.constants, 'members.me.constants');
    if (constants.xuid !== undefined) result.xuid = constants.xuid;
    if (constants.initialize !== undefined) result.initialize = constants.initialize;
    if (constants.custom !== undefined) result.constantsCustom = constants.custom;
  }
  if (member.properties !== undefined) {
    const properties = checkObject(member.properties, 'members.me.properties');
    checkKeys(properties, ['system', 'custom'], 'members.me.properties');
    if (properties.system !== undefined) {
      const system = checkObject(properties.system, 'members.me.properties.system');
      checkKeys(system, ['active', 'ready', 'connection', 'subscription'], 'members.me.properties.system');
      const active = checkOptionalBoolean(system.active, 'members.me.properties.system.active');
      if (active !== undefined) result.active = active;
      const ready = checkOptionalBoolean(system.ready, 'members.me.properties.system.ready');
      if (ready !== undefined) result.ready = ready;
      if (active === true && ready === true) {
        badRequest(
          'members.me.properties.system.active and ready cannot both be true; a member is ready while the title launches, then active.',
        );
      }
      if (system.connection !== undefined) {
        if (system.connection !== null && (typeof system.connection !== 'string' || system.connection === '')) {
          badRequest('members.me.properties.system.connection must be your RTA connection id (a string), or null to clear it.');
        }
        result.connection = system.connection as string | null;
      }
      if (system.subscription !== undefined) result.subscription = readSubscription(system.subscription);
    }
    const custom = readCustom(properties.custom, 'members.me.properties.custom');
    if (custom !== undefined) result.propertiesCustom = custom;
  }
  return result;
}

function readReservation(key: string, value: unknown): Reservation {
  const field = `members.${key}`;
  const member = checkObject(value, field);
  checkKeys(member, ['constants'], field);
  if (member.constants === undefined) badRequest(`${field}.constants.system.xuid is required: the XUID of the user the seat is for.`);
  const constants = readMemberConstants(member.constants, `${field}.constants`);
  if (constants.xuid === undefined) badRequest(`${field}.constants.system.xuid is required: the XUID of the user the seat is for.`);
  return { xuid: constants.xuid, initialize: constants.initialize ?? false, constantsCustom: { ...constants.custom } };
}

/** Reads the body of `PUT .../sessions/{name}` (or `PUT /handles/{id}/session`) for `contract`. */
export function readSessionDelta(body: unknown, contract: number): SessionDelta {
  const session = checkObject(body, 'The request body');
  checkKeys(session, ['constants', 'properties', 'members'], '');
  const delta: SessionDelta = { reservations: [] };
  if (session.constants !== undefined) delta.constants = readConstants(session.constants, contract);
  if (session.properties !== undefined) delta.properties = readProperties(session.properties);
  if (session.members !== undefined) {
    const members = checkObject(session.members, 'members');
    for (const [key, value] of Object.entries(members)) {
      if (key === 'me') delta.me = readMember(value);
      else if (/^reserve_[0-9]{1,4}$/.test(key)) delta.reservations.push(readReservation(key, value));
      else if (/^[0-9]+$/.test(key)) throw new MpsdRefusal(403, MEMBER_REFERENCE_REFUSAL);
      else
        badRequest(
          `members.${key.slice(0, 30)} is not a member MPSD accepts here; use "me" for yourself or "reserve_N" to reserve a seat.`,
        );
    }
  }
  return delta;
}
