/**
 * Pre-flight: what in a session would make MPSD refuse an invite or an activity, or make the
 * shell hide it or the invitee's join fail (mpsd-sessions-and-invitees.md §6, issue 10.3).
 * Each finding says what is wrong in words and how to fix it; the user may send anyway.
 *
 * Severity:
 * - `blocks`: MPSD refuses the send, or the invitee cannot join through it;
 * - `warns`: it goes out, but the invitee may not see it or may be refused (depends on what
 *   Handle Studio cannot see: device, follow graph, ownership);
 * - `notes`: works, but something a title usually wants is off.
 */
import { likelyOwner, memberOf, type SessionView } from './session-view.ts';

export type FindingSeverity = 'blocks' | 'warns' | 'notes';

export const findingIds = [
  'invite-protocol',
  'closed',
  'locked',
  'full',
  'visibility',
  'join-restriction',
  'owners',
  'sender-not-member',
  'sender-not-active',
  'pc-user-authorization',
  'cross-play',
  'gameplay',
] as const;
export type FindingId = (typeof findingIds)[number];

export interface Finding {
  id: FindingId;
  severity: FindingSeverity;
  /** What is wrong and what it does to the invite, in one or two sentences. */
  says: string;
  /** What to change. */
  fix: string;
}

export type PlayPlatform = 'xbox' | 'pc';

export interface PreflightSetup {
  /** What is about to be sent: an invite to `inviteeXuid`, or the sender's activity. */
  action: 'invite' | 'activity';
  senderXuid: string;
  /** The invitee (invites), or who is expected to join from the activity (optional there). */
  inviteeXuid?: string;
  /** Where each side plays; Xbox when not said. */
  senderPlatform?: PlayPlatform;
  inviteePlatform?: PlayPlatform;
}

/** The checks, in the order the doc's checklist gives them. Empty when nothing is in the way. */
export function preflightFindings(session: SessionView, setup: PreflightSetup): Finding[] {
  const findings: Finding[] = [];
  const add = (id: FindingId, severity: FindingSeverity, says: string, fix: string) => findings.push({ id, severity, says, fix });
  const invitee = setup.inviteeXuid === undefined ? undefined : memberOf(session, setup.inviteeXuid);
  const inviteeName = setup.inviteeXuid === undefined ? 'the person joining' : `XUID ${setup.inviteeXuid}`;
  const sender = memberOf(session, setup.senderXuid);

  if (setup.action === 'invite' && session.inviteProtocol !== 'game') {
    add(
      'invite-protocol',
      'blocks',
      session.inviteProtocol === undefined
        ? 'The session has no inviteProtocol: MPSD creates the invite handle but sends no invite notification, so no toast appears.'
        : `The session's inviteProtocol is "${session.inviteProtocol}", not "game": only "game" sends the invite notification, so no toast appears.`,
      'Set constants.system.inviteProtocol to "game" in the session template (constants never change after creation: start a new session from the fixed template).',
    );
  }
  if (session.closed && invitee === undefined) {
    add(
      'closed',
      'blocks',
      `The session is closed (properties.system.closed: true): nobody new joins, so ${inviteeName} is refused and the shell greys out the invite and "Join game".`,
      'Have a member set properties.system.closed to false, or reserve the invitee first (members.reserve_0 with their XUID).',
    );
  }
  if (session.locked && invitee === undefined) {
    add(
      'locked',
      'blocks',
      `The session is locked (properties.system.locked: true): only members who left may come back, and ${inviteeName} never was one.`,
      'Have a member set properties.system.locked to false (and closed to false to let new people in).',
    );
  }
  if (invitee === undefined && session.memberCount >= session.maxMembersCount) {
    add(
      'full',
      'blocks',
      `The session is full (${session.memberCount} of ${session.maxMembersCount} seats, reserved ones included): MPSD still creates the invite, but joining through it is refused (400).`,
      'Wait for a member to leave, or use a template with a larger constants.system.maxMembersCount.',
    );
  }
  if (session.visibility !== 'open' && invitee === undefined && setup.action === 'invite') {
    add(
      'visibility',
      'blocks',
      `The session's visibility is "${session.visibility}": an invite handle does not replace a reservation there, so ${inviteeName} is refused (403) when joining through the invite.`,
      'Reserve the invitee before inviting (PUT the session with members.reserve_0: { constants.system.xuid }), or use a template with visibility "open".',
    );
  }
  if (session.joinRestriction === 'local' || session.joinRestriction === 'followed') {
    const admits =
      session.joinRestriction === 'local'
        ? 'users on the same device as an active member'
        : "users on a member's device, or users a non-reserved member follows";
    add(
      'join-restriction',
      setup.action === 'activity' ? 'blocks' : 'warns',
      `The session's joinRestriction is "${session.joinRestriction}": it admits only ${admits}. Joining from the activity ("Join game") is refused for ${inviteeName} unless they are one of them${setup.action === 'invite' ? '; through the invite handle MPSD lets the invitee in (inferred, unconfirmed on the real service)' : ''}.`,
      session.joinRestriction === 'followed'
        ? 'Have a member follow the invitee, set properties.system.joinRestriction to "none", or give joiners a transfer or search handle.'
        : 'Set properties.system.joinRestriction to "none" (or "followed"), or give joiners a transfer or search handle.',
    );
  }
  if (setup.action === 'invite' && session.capabilities['hasOwners'] === true && !session.allowNonOwnerInviteHandles) {
    const owner = likelyOwner(session);
    if (owner === undefined || owner.xuid !== setup.senderXuid) {
      add(
        'owners',
        'blocks',
        `The session has owners (capabilities.hasOwners) and does not allow non-owner invite handles: MPSD refuses an invite from a non-owner (403). The owner looks like ${owner === undefined ? 'nobody' : `XUID ${owner.xuid}`} (read as the member who joined first: the session document does not name owners).`,
        'Send the invite as an owner, or set constants.system.allowNonOwnerInviteHandles to true in the template.',
      );
    }
  }
  if (sender === undefined || sender.state === 'reserved') {
    add(
      'sender-not-member',
      setup.action === 'activity' ? 'blocks' : 'warns',
      setup.action === 'activity'
        ? `The sender (XUID ${setup.senderXuid}) is not a member of the session: MPSD binds an activity only to an active member's session and refuses it.`
        : `The sender (XUID ${setup.senderXuid}) is not a member of the session: the invitee would join a session without the person who invited them.`,
      'Join the session first (Compose: Join or create a session, or `handle-studio session join`).',
    );
  } else if (sender.state !== 'active') {
    add(
      'sender-not-active',
      setup.action === 'activity' ? 'blocks' : 'warns',
      `The sender is a member but ${sender.state}, not active: an activity is bound only to an active member (MPSD refuses it), and the shell shows nobody to join.`,
      "Join again with properties.system.active: true (the title sets it when it plays; MPSD's presence check turns members who are not running the title inactive).",
    );
  }
  const platforms = [setup.senderPlatform ?? 'xbox', setup.inviteePlatform ?? 'xbox'];
  if (platforms.includes('pc') && session.capabilities['userAuthorizationStyle'] !== true) {
    add(
      'pc-user-authorization',
      'blocks',
      'A PC player is involved but the session lacks capabilities.userAuthorizationStyle: PC titles call MPSD without a strong title identity, and MPSD refuses their writes to such a session.',
      'Use a template with capabilities.userAuthorizationStyle true (it makes both restrictions default to "local", so joiners who are not followed need a transfer or search handle).',
    );
  }
  if (platforms[0] !== platforms[1] && session.capabilities['crossPlay'] !== true) {
    add(
      'cross-play',
      'blocks',
      'The sender and the invitee play on different platforms (PC and Xbox) but the session lacks capabilities.crossPlay: the join is refused.',
      'Use a template with capabilities.crossPlay true.',
    );
  }
  if (session.capabilities['gameplay'] !== true || session.capabilities['connectionRequiredForActiveMembers'] !== true) {
    const missing = ['gameplay', 'connectionRequiredForActiveMembers'].filter((name) => session.capabilities[name] !== true);
    add(
      'gameplay',
      'notes',
      `The session lacks capabilities.${missing.join(' and capabilities.')}: ${missing.includes('gameplay') ? "players do not show in each other's recent players or reputation" : ''}${missing.length === 2 ? ', and ' : ''}${missing.includes('connectionRequiredForActiveMembers') ? 'MPSD does not notice disconnected players' : ''}.`,
      'Set them in the template if this is a real gameplay session.',
    );
  }
  return findings;
}

/** The worst severity among `findings`, or undefined when there are none. */
export function worstSeverity(findings: readonly Finding[]): FindingSeverity | undefined {
  for (const severity of ['blocks', 'warns', 'notes'] as const) {
    if (findings.some((finding) => finding.severity === severity)) return severity;
  }
  return undefined;
}

/** One line per finding, for the CLI and logs: `[blocks] closed: … Fix: …` */
export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `[${finding.severity}] ${finding.id}: ${finding.says} Fix: ${finding.fix}`);
}
