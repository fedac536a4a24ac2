import type { DraftTextField } from '../../../app/shared/drafts/draft-request.ts';
import type { RequestKind } from '../../../app/shared/mpsd/wire.ts';

/** The Compose form's fields, named as drafts store them; each request kind shows a subset. */
export type ComposeField = DraftTextField;

export interface KindDescription {
  kind: RequestKind;
  label: string;
  /** One line under the picker: what the call does on MPSD. */
  summary: string;
  fields: readonly ComposeField[];
}

const sessionFields = ['scid', 'templateName', 'sessionName'] as const;

/** Picker order: the two calls the tool exists for first, then reads and session plumbing. */
export const kindDescriptions: readonly KindDescription[] = [
  {
    kind: 'activity.set',
    label: 'Set activity',
    summary: 'POST /handles type activity: shows what you play in friends lists. You must be an active member of the session.',
    fields: sessionFields,
  },
  {
    kind: 'invite.send',
    label: 'Send invites',
    summary: 'POST /handles type invite, one request per invitee, in order. Invites are never retried automatically.',
    fields: [...sessionFields, 'invitees', 'titleId', 'contextString', 'context', 'senderString'],
  },
  {
    kind: 'activity.clear',
    label: 'Clear activity',
    summary: 'Finds the owner\u2019s activity handle for this SCID, then DELETE /handles/{id}.',
    fields: ['scid', 'ownerXuid'],
  },
  {
    kind: 'activity.query',
    label: 'Query activities',
    summary: 'POST /handles/query?include=relatedInfo: activities of listed users or of someone\u2019s people list (at most 100).',
    fields: ['scid', 'queryXuids', 'monikerXuid'],
  },
  { kind: 'handle.get', label: 'Get handle', summary: 'GET /handles/{id}: the handle document.', fields: ['handleId'] },
  { kind: 'handle.delete', label: 'Delete handle', summary: 'DELETE /handles/{id}: removes an activity or invite handle.', fields: ['handleId'] },
  {
    kind: 'handle.session',
    label: 'Handle\u2019s session',
    summary: 'GET /handles/{id}/session: the session the handle points at (204 when it does not exist).',
    fields: ['handleId'],
  },
  {
    kind: 'session.join',
    label: 'Join session',
    summary: 'PUT the session with you as an active member (creates it when missing). Do this before Set activity.',
    fields: [...sessionFields, 'memberXuid'],
  },
  { kind: 'session.get', label: 'Get session', summary: 'GET the session document (204 when there is no such session).', fields: sessionFields },
  {
    kind: 'session.leave',
    label: 'Leave session',
    summary: 'DELETE \u2026/members/me: leave the session; MPSD then removes your activity too.',
    fields: sessionFields,
  },
];

export function describeKind(kind: RequestKind): KindDescription {
  return kindDescriptions.find((description) => description.kind === kind) ?? kindDescriptions[0]!;
}

/** Short label for tables and lists (history, drafts, outbox). */
export function kindLabel(kind: RequestKind): string {
  return describeKind(kind).label;
}
