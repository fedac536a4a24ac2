/**
 * Who may read a session and who may join it, and through what (mpsd-sessions-and-invitees.md
 * §1 "Who may read and join" and "Refusals a strict stand-in should return"). Every refusal
 * here is thrown before a write changes anything.
 *
 * A caller comes either directly (`PUT/GET .../sessions/{name}`) or through a handle
 * (`/handles/{id}/session`); `HandleGrant` says what that handle gives them.
 */
import type { FollowGraph } from './follow-graph.ts';
import type { Restriction } from './session-bodies.ts';
import type { StoredSession } from './sessions.ts';
import type { Caller } from './user-directory.ts';
import { MpsdRefusal } from './wire-checks.ts';

/**
 * - `none`: a direct call, or an activity handle (whose joins obey `joinRestriction`, §1);
 * - `invite`: the invitee of an invite handle (read-write while open, read-only when closed, OV:198-202);
 * - `transfer`: a member of a transfer handle's origin session (its rights extend to the target, HT:313-329);
 * - `search`: a search handle (how non-followers reach `userAuthorizationStyle` sessions, TC:58; BR:84).
 * The last three pass `joinRestriction` and `readRestriction` **(inferred)**, never visibility, `closed` or fullness.
 */
export type HandleGrant = 'none' | 'invite' | 'transfer' | 'search';

/** hdr:262; FAQ:54. */
export const PRIVATE_SESSION =
  'The requested session cannot be accessed. The calling user must have multiplayer privilege, and private sessions can only be read by session members.';
/** hdr:269 gives the status only; the text is the emulator's. */
export const VISIBLE_SESSION = "The session's visibility is visible: only its members and users holding a reservation may join it.";
/** VJ:43-45: an invite does not replace a reservation; the client retries 5 s or more apart. */
export const RESERVATION_NEEDED =
  'The session is private or visible and you hold no reservation in it yet; an invite alone does not let you in. Retry in 5 seconds or more once a member has reserved you a seat.';
export const CLOSED_SESSION = 'The session is closed: nobody new may join unless they already hold a reservation.';
export const LOCKED_SESSION = 'The session is locked: only members who left it may come back.';

/** How open a restriction is: `readRestriction` must be at least as open as `joinRestriction` (hdr:1779). */
export const RESTRICTION_RANK: Record<Restriction, number> = { none: 0, followed: 1, local: 2 };

/** `local`: the caller's token DeviceId matches an **active** member's device (MSD:461-464). */
function isLocal(session: StoredSession, caller: Caller): boolean {
  for (const member of session.members.values()) {
    if (member.status === 'active' && member.deviceId === caller.deviceId) return true;
  }
  return false;
}

/** `followed`: local users, plus users an existing non-reserved member follows. */
function isFollowed(session: StoredSession, caller: Caller, graph: FollowGraph): boolean {
  for (const member of session.members.values()) {
    if (member.status !== 'reserved' && graph.follows(member.xuid, caller.xuid)) return true;
  }
  return isLocal(session, caller);
}

function admits(restriction: Restriction, session: StoredSession, caller: Caller, graph: FollowGraph): boolean {
  if (restriction === 'none') return true;
  if (restriction === 'local') return isLocal(session, caller);
  return isFollowed(session, caller, graph);
}

function restrictionRefusal(kind: 'joinRestriction' | 'readRestriction', restriction: Restriction): MpsdRefusal {
  const who =
    restriction === 'local'
      ? 'users on the same device as an active member'
      : 'users followed by a member of the session, or on the same device as an active member';
  return new MpsdRefusal(
    403,
    `The session's ${kind} is ${restriction}: it admits only ${who}. Use an invite, transfer or search handle to get in.`,
  );
}

/** Throws unless `caller` may read `session`. Members and reserved users always may. */
export function checkRead(session: StoredSession, caller: Caller, graph: FollowGraph, grant: HandleGrant): void {
  if (session.members.has(caller.xuid)) return;
  if (session.constants.system.visibility === 'private') throw new MpsdRefusal(403, PRIVATE_SESSION);
  if (grant !== 'none') return;
  const restriction = session.properties.readRestriction;
  if (!admits(restriction, session, caller, graph)) throw restrictionRefusal('readRestriction', restriction);
}

/** True when the session has no free seat for `seats` more members (reserved ones take seats too). */
export function isFull(session: StoredSession, seats = 1): boolean {
  return session.members.size + seats > (session.constants.system.maxMembersCount as number);
}

/** hdr:275 gives the status only; the text is the emulator's. */
export function fullRefusal(session: StoredSession): MpsdRefusal {
  return new MpsdRefusal(400, `The session is full (maxMembersCount ${session.constants.system.maxMembersCount}).`);
}

/**
 * Throws unless `caller`, who is not yet a (non-reserved) member, may join `session`. The
 * order follows the doc's tables: a reservation admits into private, visible and closed
 * sessions; `locked` admits only returning members; then visibility, fullness, `closed`, and
 * last `joinRestriction`, which handles that grant access pass.
 */
export function checkJoin(session: StoredSession, caller: Caller, graph: FollowGraph, grant: HandleGrant): void {
  const returning = session.formerMembers.has(caller.xuid);
  if (session.properties.locked && !returning) throw new MpsdRefusal(403, LOCKED_SESSION);
  if (session.members.get(caller.xuid)?.status === 'reserved') return;
  const visibility = session.constants.system.visibility;
  if (visibility === 'private') throw new MpsdRefusal(403, grant === 'none' ? PRIVATE_SESSION : RESERVATION_NEEDED);
  if (visibility === 'visible') {
    if (grant === 'none') throw new MpsdRefusal(400, VISIBLE_SESSION);
    throw new MpsdRefusal(403, RESERVATION_NEEDED);
  }
  if (isFull(session)) throw fullRefusal(session);
  // A locked session is closed too; `locked` already decided that a returning member may come back.
  if (session.properties.closed && !(session.properties.locked && returning)) throw new MpsdRefusal(403, CLOSED_SESSION);
  if (grant !== 'none') return;
  const restriction = session.properties.joinRestriction;
  if (!admits(restriction, session, caller, graph)) throw restrictionRefusal('joinRestriction', restriction);
}
