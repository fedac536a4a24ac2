/**
 * A session document as the invitee's tools read it: the settings that decide who may read,
 * join and be invited, and the members with their states. Read leniently (MPSD adds fields,
 * XSAPI's fixtures capitalise values such as `Open`, and the 104/105 shape differs from 107):
 * what is missing takes MPSD's documented default, and values are compared in lower case
 * (mpsd-sessions-and-invitees.md §1-§3).
 */

export type MemberState = 'reserved' | 'ready' | 'active' | 'inactive';

export interface SessionMemberView {
  /** The member's index in `members` (MPSD's key, stable while the member stays). */
  index: string;
  xuid: string;
  gamertag?: string;
  state: MemberState;
  joinTime?: string;
  activeTitleId?: string;
}

export interface SessionView {
  inviteProtocol?: string;
  visibility: string;
  joinRestriction: string;
  readRestriction: string;
  closed: boolean;
  locked: boolean;
  maxMembersCount: number;
  memberCount: number;
  capabilities: Record<string, boolean>;
  /** `constants.system.allowNonOwnerInviteHandles` (placement inferred, as the local MPSD keeps it). */
  allowNonOwnerInviteHandles: boolean;
  members: SessionMemberView[];
}

type Json = Record<string, unknown>;

function objectAt(value: unknown, ...path: string[]): Json {
  let current: unknown = value;
  for (const key of path) {
    current = typeof current === 'object' && current !== null ? (current as Json)[key] : undefined;
  }
  return typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Json) : {};
}

const lower = (value: unknown): string | undefined => (typeof value === 'string' ? value.toLowerCase() : undefined);

function memberState(member: Json): MemberState {
  if (member['reserved'] === true) return 'reserved';
  const system = objectAt(member, 'properties', 'system');
  if (system['active'] === true) return 'active';
  if (system['ready'] === true) return 'ready';
  return 'inactive';
}

function memberView(index: string, member: Json): SessionMemberView | undefined {
  const xuid = objectAt(member, 'constants', 'system')['xuid'];
  if (typeof xuid !== 'string' && typeof xuid !== 'number') return undefined;
  const view: SessionMemberView = { index, xuid: String(xuid), state: memberState(member) };
  if (typeof member['gamertag'] === 'string') view.gamertag = member['gamertag'];
  if (typeof member['joinTime'] === 'string') view.joinTime = member['joinTime'];
  if (typeof member['activeTitleId'] === 'string' || typeof member['activeTitleId'] === 'number')
    view.activeTitleId = String(member['activeTitleId']);
  return view;
}

/** Reads a session document (the JSON MPSD answers to a session GET or PUT). */
export function readSession(document: unknown): SessionView {
  const constants = objectAt(document, 'constants', 'system');
  const properties = objectAt(document, 'properties', 'system');
  const capabilities: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(objectAt(constants, 'capabilities'))) capabilities[name] = value === true;
  // TC:58: userAuthorizationStyle makes both restrictions default to `local`.
  const restrictionDefault = capabilities['userAuthorizationStyle'] === true ? 'local' : 'none';
  const members = Object.entries(objectAt(document, 'members'))
    .map(([index, member]) => memberView(index, objectAt(member)))
    .filter((member) => member !== undefined)
    .sort((a, b) => Number(a.index) - Number(b.index));
  const counted = objectAt(document, 'membersInfo')['count'];
  const max = constants['maxMembersCount'];
  const view: SessionView = {
    visibility: lower(constants['visibility']) ?? 'open',
    joinRestriction: lower(properties['joinRestriction']) ?? restrictionDefault,
    readRestriction: lower(properties['readRestriction']) ?? restrictionDefault,
    closed: properties['closed'] === true,
    locked: properties['locked'] === true,
    maxMembersCount: typeof max === 'number' ? max : 100,
    memberCount: typeof counted === 'number' ? counted : members.length,
    capabilities,
    allowNonOwnerInviteHandles: constants['allowNonOwnerInviteHandles'] === true,
    members,
  };
  const protocol = lower(constants['inviteProtocol']);
  if (protocol !== undefined) view.inviteProtocol = protocol;
  return view;
}

/** The member entry of `xuid`, if the session holds one. */
export function memberOf(session: SessionView, xuid: string): SessionMemberView | undefined {
  return session.members.find((member) => member.xuid === xuid);
}

/**
 * Who Handle Studio takes for the owner of a `hasOwners` session: the member who joined first.
 * The session document does not name owners; the creator owns, and both migration policies
 * leave the longest-standing member as owner (`endsession` ends the session when the creator
 * goes, `oldest` hands over to the oldest member). Inferred, and said so where it is used.
 */
export function likelyOwner(session: SessionView): SessionMemberView | undefined {
  const seated = session.members.filter((member) => member.state !== 'reserved');
  return seated.reduce<SessionMemberView | undefined>((oldest, member) => {
    if (oldest === undefined) return member;
    if (member.joinTime !== undefined && oldest.joinTime !== undefined && member.joinTime !== oldest.joinTime) {
      return member.joinTime < oldest.joinTime ? member : oldest;
    }
    return Number(member.index) < Number(oldest.index) ? member : oldest;
  }, undefined);
}

/** One difference between two looks at a session, in words. */
export interface SessionChange {
  what: 'joined' | 'left' | 'state' | 'setting';
  says: string;
}

/** The settings a refresh compares: all plain values. */
type SettingKey = 'visibility' | 'joinRestriction' | 'readRestriction' | 'closed' | 'locked' | 'maxMembersCount';

const SETTINGS: ReadonlyArray<[SettingKey, string]> = [
  ['visibility', 'visibility'],
  ['joinRestriction', 'join restriction'],
  ['readRestriction', 'read restriction'],
  ['closed', 'closed'],
  ['locked', 'locked'],
  ['maxMembersCount', 'maximum members'],
];

const who = (member: SessionMemberView) => (member.gamertag === undefined ? member.xuid : `${member.gamertag} (${member.xuid})`);

/** What changed between the last look and this one: members who came or went, state changes, settings. */
export function sessionChanges(before: SessionView, after: SessionView): SessionChange[] {
  const changes: SessionChange[] = [];
  const earlier = new Map(before.members.map((member) => [member.xuid, member]));
  const later = new Map(after.members.map((member) => [member.xuid, member]));
  for (const member of after.members) {
    const previous = earlier.get(member.xuid);
    if (previous === undefined) changes.push({ what: 'joined', says: `${who(member)} joined as ${member.state}.` });
    else if (previous.state !== member.state)
      changes.push({ what: 'state', says: `${who(member)} went from ${previous.state} to ${member.state}.` });
  }
  for (const member of before.members) {
    if (!later.has(member.xuid)) changes.push({ what: 'left', says: `${who(member)} left.` });
  }
  for (const [key, label] of SETTINGS) {
    if (before[key] !== after[key])
      changes.push({ what: 'setting', says: `${label} changed from ${String(before[key])} to ${String(after[key])}.` });
  }
  return changes;
}
