/**
 * MPA's request kinds as Compose offers them: a label, one line on what the call does, and
 * the form fields it takes, in the order they are shown.
 */
import type { MpaKind } from '../../../../app/shared/mpa/requests.ts';

export type MpaField =
  | 'titleId'
  | 'xuid'
  | 'connectionString'
  | 'joinRestriction'
  | 'maxPlayers'
  | 'currentPlayers'
  | 'groupId'
  | 'platform'
  | 'crossPlatform'
  | 'sequenceNumber'
  | 'users'
  | 'invitedUsers'
  | 'recentPlayers';

export interface MpaKindDescription {
  kind: MpaKind;
  label: string;
  summary: string;
  fields: readonly MpaField[];
}

const activityFields = [
  'connectionString',
  'joinRestriction',
  'maxPlayers',
  'currentPlayers',
  'groupId',
  'platform',
  'crossPlatform',
] as const;

export const mpaKindDescriptions: readonly MpaKindDescription[] = [
  {
    kind: 'mpa.activity.set',
    label: 'Set activity',
    summary: 'PUT your activity for a title: who may join, how full it is, and the connection string joiners get.',
    fields: ['titleId', 'xuid', ...activityFields, 'sequenceNumber'],
  },
  {
    kind: 'mpa.activity.get',
    label: 'Get activity',
    summary: "GET one user's activity in a title (none is an answer too).",
    fields: ['titleId', 'xuid'],
  },
  {
    kind: 'mpa.activity.query',
    label: 'Query activities',
    summary: "POST a query for up to 30 users' activities in a title; the connection string shows only where you may join.",
    fields: ['titleId', 'users'],
  },
  {
    kind: 'mpa.invite.send',
    label: 'Invite',
    summary: 'POST one invite call to 1-16 users; each gets a notification that starts the title with the connection string.',
    fields: ['titleId', 'invitedUsers', 'connectionString', 'platform', 'crossPlatform'],
  },
  {
    kind: 'mpa.activity.delete',
    label: 'Delete activity',
    summary: 'DELETE your activity in a title (when the game ends or the player leaves).',
    fields: ['titleId', 'xuid', 'sequenceNumber'],
  },
  {
    kind: 'mpa.recentPlayers.update',
    label: 'Recent players',
    summary: 'POST the people you just played with to your recent players list (one-way; up to 100).',
    fields: ['titleId', 'recentPlayers'],
  },
];

export function describeMpaKind(kind: MpaKind): MpaKindDescription {
  return mpaKindDescriptions.find((description) => description.kind === kind) ?? mpaKindDescriptions[0]!;
}
