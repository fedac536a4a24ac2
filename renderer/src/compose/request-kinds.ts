import type { DraftTextField } from '../../../app/shared/drafts/draft-request.ts';
import { requestKindLabel } from '../../../app/shared/history/request-words.ts';
import type { RequestKind } from '../../../app/shared/mpsd/wire.ts';
import type { RecordedKind } from '../../../app/shared/recorded-kinds.ts';

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

/**
 * Every request kind, in picker order: the two calls the tool exists for first, then reads,
 * joins and session plumbing. `satisfies Record<RequestKind, …>` makes a kind added to the
 * model without a row here a type error, instead of a kind History and Outbox mislabel.
 */
const kindTable = {
  'activity.set': {
    summary: 'POST /handles type activity: shows what you play in friends lists. You must be an active member of the session.',
    fields: sessionFields,
  },
  'invite.send': {
    summary: 'POST /handles type invite, one request per invitee, in order. Invites are never retried automatically.',
    fields: [...sessionFields, 'invitees', 'titleId', 'contextString', 'context', 'senderString'],
  },
  'activity.clear': {
    summary: 'Finds the owner\u2019s activity handle for this SCID, then DELETE /handles/{id}.',
    fields: ['scid', 'ownerXuid'],
  },
  'activity.query': {
    summary:
      'POST /handles/query type activity: activities of listed users or of someone\u2019s people list (at most 100), each with whether it can be joined.',
    fields: ['scid', 'queryXuids', 'monikerXuid'],
  },
  'handle.join': {
    summary:
      'PUT /handles/{id}/session: join the session an invite, activity, transfer or search handle points at, as an invitee accepting does.',
    fields: ['handleId', 'memberXuid'],
  },
  'handle.get': { summary: 'GET /handles/{id}: the handle document.', fields: ['handleId'] },
  'handle.delete': {
    summary: 'DELETE /handles/{id}: removes an activity, invite, transfer or search handle.',
    fields: ['handleId'],
  },
  'handle.session': {
    summary: 'GET /handles/{id}/session: the session the handle points at (204 when it does not exist).',
    fields: ['handleId'],
  },
  'transfer.create': {
    summary:
      'POST /handles type transfer: members of the origin session (e.g. a lobby) may join the target session through it. You must be a member of the origin.',
    fields: [...sessionFields, 'originTemplateName', 'originSessionName'],
  },
  'search.create': {
    summary:
      'POST /handles type search: makes the session findable by its tags and attributes (one per session; the template must be searchable).',
    fields: [...sessionFields, 'searchTags', 'searchStrings', 'searchNumbers'],
  },
  'search.query': {
    summary:
      'POST /handles/query type search: sessions of one template found by their search attributes (at most 100), each with whether it can be joined.',
    fields: ['scid', 'templateName', 'searchFilter', 'searchOrderBy', 'monikerXuid'],
  },
  'session.join': {
    summary: 'PUT the session with you as an active member (creates it when missing). Do this before Set activity.',
    fields: [...sessionFields, 'memberXuid'],
  },
  'session.get': { summary: 'GET the session document (204 when there is no such session).', fields: sessionFields },
  'session.leave': {
    summary: 'DELETE \u2026/members/me: leave the session; MPSD then removes your activity too.',
    fields: sessionFields,
  },
} as const satisfies Record<RequestKind, Omit<KindDescription, 'kind' | 'label'>>;

export const kindDescriptions: readonly KindDescription[] = (Object.keys(kindTable) as RequestKind[]).map(describeKind);

/** A kind's row, labelled with the words the CLI and History use too (app/shared/history/request-words.ts). */
export function describeKind(kind: RequestKind): KindDescription {
  return { kind, label: requestKindLabel(kind), ...kindTable[kind] };
}

/** Short label for tables and lists (history, drafts, outbox), MPA's kinds included. */
export function kindLabel(kind: RecordedKind): string {
  return requestKindLabel(kind);
}
