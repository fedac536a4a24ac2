/**
 * The session document as MPSD shows it to a caller of a given contract version: members
 * keyed by index, system and custom parts apart, constants converted from the stored 107
 * shape to 104/105's where the versions differ (mpsd-sessions-and-invitees.md §7).
 */
import { constantsForContract } from './session-constants.ts';
import type { SessionMember, StoredSession } from './sessions.ts';

function memberDocument(member: SessionMember): Record<string, unknown> {
  const constants = { system: { xuid: member.xuid, initialize: member.initialize }, custom: member.constantsCustom };
  // A reservation is only a seat until the user's first PUT (MSD:802-803).
  if (member.status === 'reserved') return { constants, reserved: true };
  const system: Record<string, unknown> = { active: member.status === 'active', ready: member.status === 'ready' };
  if (member.connection !== undefined) system.connection = member.connection;
  if (member.subscription !== undefined) system.subscription = { ...member.subscription };
  const document: Record<string, unknown> = {
    constants,
    properties: { system, custom: member.propertiesCustom },
    gamertag: member.gamertag,
    joinTime: new Date(member.joinTime).toISOString(),
  };
  if (member.status === 'active' && member.activeTitleId !== undefined) document.activeTitleId = member.activeTitleId;
  return document;
}

export function sessionDocument(session: StoredSession, contract: number): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  let active = 0;
  let accepted = 0;
  for (const member of session.members.values()) {
    if (member.status === 'active') active += 1;
    if (member.status !== 'reserved') accepted += 1;
    members[String(member.index)] = memberDocument(member);
  }
  const indexes = [...session.members.values()].map((member) => member.index);
  const { custom: propertiesCustom, ...propertiesSystem } = session.properties;
  return {
    contractVersion: contract,
    correlationId: session.correlationId,
    startTime: new Date(session.startTime).toISOString(),
    constants: { system: constantsForContract(session.constants.system, contract), custom: session.constants.custom },
    properties: { system: propertiesSystem, custom: propertiesCustom },
    members,
    membersInfo: {
      first: indexes.length === 0 ? session.nextIndex : Math.min(...indexes),
      next: session.nextIndex,
      count: session.members.size,
      accepted,
      active,
    },
  };
}
