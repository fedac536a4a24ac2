/**
 * Rebuilds the request a history entry came from, so it can be resent or opened in Compose.
 * History stores the wire request (masked); the user-level request is read back from its
 * body, URL and the summary's fields. Returns undefined when the entry does not carry enough
 * to rebuild it (the caller then says so instead of guessing).
 */
import type { HistoryEntry } from '../../../app/shared/contract/history.ts';
import type { HandleRequestInput } from '../../../app/shared/mpsd/requests.ts';

export interface RebuiltRequest {
  request: HandleRequestInput;
  labels: Record<string, string>;
}

type Json = Record<string, unknown>;

function objectOf(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function bodyOf(entry: HistoryEntry): Json | undefined {
  if (entry.request.body === undefined) return undefined;
  try {
    return objectOf(JSON.parse(entry.request.body));
  } catch {
    return undefined;
  }
}

/** `/handles/{id}` or `/handles/{id}/session` → id. */
function handleIdFromUrl(url: string): string | undefined {
  return /\/handles\/([0-9a-fA-F-]{36})(?:\/session)?(?:$|\?)/.exec(url)?.[1];
}

function sessionRefOf(entry: HistoryEntry, body: Json | undefined): { scid: string; templateName: string; name: string } | undefined {
  const fromBody = objectOf(body?.['sessionRef']);
  const scid = textOf(fromBody?.['scid']) ?? entry.scid;
  const templateName = textOf(fromBody?.['templateName']) ?? entry.templateName;
  const name = textOf(fromBody?.['name']) ?? entry.sessionName;
  return scid && templateName && name ? { scid, templateName, name } : undefined;
}

type Moniker = 'people' | 'favorites' | 'friends';

function isMoniker(value: string | undefined): value is Moniker {
  return value === 'people' || value === 'favorites' || value === 'friends';
}

/** `members.me` of a join body (session join or join through a handle). */
function memberOf(body: Json | undefined): Json | undefined {
  return objectOf(objectOf(body?.['members'])?.['me']);
}

function memberXuidOf(body: Json | undefined): string | undefined {
  return textOf(objectOf(objectOf(memberOf(body)?.['constants'])?.['system'])?.['xuid']);
}

/** Calls whose resend repeats what they did: a second invite, a second join, another handle. */
const kindsThatRepeatAnEffect: ReadonlySet<HistoryEntry['kind']> = new Set([
  'invite.send',
  'activity.set',
  'session.join',
  'handle.join',
  'transfer.create',
  'search.create',
  'mpa.activity.set',
  'mpa.invite.send',
]);

/** True when resending an entry of this kind does its effect again, so History asks first. */
export function resendRepeatsEffect(kind: HistoryEntry['kind']): boolean {
  return kindsThatRepeatAnEffect.has(kind);
}

export function requestFromHistory(entry: HistoryEntry, ownXuid?: string): RebuiltRequest | undefined {
  const body = bodyOf(entry);
  const labels: Record<string, string> = {};
  switch (entry.kind) {
    case 'activity.set': {
      const sessionRef = sessionRefOf(entry, body);
      return sessionRef ? { request: { kind: 'activity.set', sessionRef }, labels } : undefined;
    }
    case 'invite.send': {
      const sessionRef = sessionRefOf(entry, body);
      const invitedXuid = textOf(body?.['invitedXuid']) ?? entry.invitedXuid;
      const attributes = objectOf(body?.['inviteAttributes']);
      const titleId = textOf(attributes?.['titleId']);
      if (!sessionRef || !invitedXuid || !titleId) return undefined;
      if (entry.recipientLabel) labels[invitedXuid] = entry.recipientLabel;
      const optional = (name: 'context' | 'contextString' | 'senderString') => {
        const value = textOf(attributes?.[name]);
        return value === undefined ? {} : { [name]: value };
      };
      return {
        request: {
          kind: 'invite.send',
          sessionRef,
          invitedXuids: [invitedXuid],
          titleId,
          ...optional('context'),
          ...optional('contextString'),
          ...optional('senderString'),
        },
        labels,
      };
    }
    case 'activity.query': {
      const scid = textOf(body?.['scid']) ?? entry.scid;
      const owners = objectOf(body?.['owners']);
      const xuids = Array.isArray(owners?.['xuids'])
        ? (owners['xuids'] as unknown[]).filter((x): x is string => typeof x === 'string')
        : undefined;
      const people = objectOf(owners?.['people']);
      if (!scid) return undefined;
      if (people) {
        const moniker = textOf(people['moniker']);
        const monikerXuid = textOf(people['monikerXuid']);
        if (!isMoniker(moniker)) return undefined;
        return monikerXuid ? { request: { kind: 'activity.query', scid, people: { moniker, monikerXuid } }, labels } : undefined;
      }
      return xuids && xuids.length > 0 ? { request: { kind: 'activity.query', scid, xuids }, labels } : undefined;
    }
    case 'activity.clear': {
      const scid = textOf(body?.['scid']) ?? entry.scid;
      const owners = objectOf(body?.['owners']);
      const firstOwner = Array.isArray(owners?.['xuids']) ? textOf((owners['xuids'] as unknown[])[0]) : undefined;
      const ownerXuid = firstOwner ?? ownXuid;
      return scid && ownerXuid ? { request: { kind: 'activity.clear', scid, ownerXuid }, labels } : undefined;
    }
    case 'handle.get':
    case 'handle.delete':
    case 'handle.session': {
      const handleId = handleIdFromUrl(entry.request.url) ?? entry.handleId;
      return handleId ? { request: { kind: entry.kind, handleId }, labels } : undefined;
    }
    case 'handle.join': {
      const handleId = handleIdFromUrl(entry.request.url) ?? entry.handleId;
      const xuid = memberXuidOf(body) ?? ownXuid;
      const active = objectOf(objectOf(memberOf(body)?.['properties'])?.['system'])?.['active'] === true;
      return handleId && xuid ? { request: { kind: 'handle.join', handleId, xuid, ...(active ? { active } : {}) }, labels } : undefined;
    }
    case 'transfer.create': {
      const sessionRef = sessionRefOf(entry, body);
      // The origin is only in the body: no summary field holds it, so without the body there is nothing to rebuild.
      const origin = objectOf(body?.['originSessionRef']);
      const originSessionRef = {
        scid: textOf(origin?.['scid']),
        templateName: textOf(origin?.['templateName']),
        name: textOf(origin?.['name']),
      };
      const { scid, templateName, name } = originSessionRef;
      return sessionRef && scid && templateName && name
        ? { request: { kind: 'transfer.create', sessionRef, originSessionRef: { scid, templateName, name } }, labels }
        : undefined;
    }
    case 'search.create': {
      const sessionRef = sessionRefOf(entry, body);
      const attributes = objectOf(body?.['searchAttributes']);
      if (!sessionRef || !attributes) return undefined;
      // Sent as XSAPI sends them (all three groups, empty or not); the request keeps only the groups that hold something.
      const tags = Array.isArray(attributes['tags'])
        ? (attributes['tags'] as unknown[]).filter((tag): tag is string => typeof tag === 'string')
        : [];
      const strings = objectOf(attributes['strings']);
      const numbers = objectOf(attributes['numbers']);
      const searchAttributes = {
        ...(tags.length > 0 ? { tags } : {}),
        ...(strings && Object.keys(strings).length > 0 ? { strings: strings as Record<string, string> } : {}),
        ...(numbers && Object.keys(numbers).length > 0 ? { numbers: numbers as Record<string, number> } : {}),
      };
      return {
        request: { kind: 'search.create', sessionRef, ...(Object.keys(searchAttributes).length > 0 ? { searchAttributes } : {}) },
        labels,
      };
    }
    case 'search.query': {
      const scid = textOf(body?.['scid']);
      const templateName = textOf(body?.['templateName']);
      if (!scid || !templateName) return undefined;
      const filter = textOf(body?.['filter']);
      const orderBy = textOf(body?.['orderBy']);
      const people = objectOf(objectOf(body?.['sessionMembers'])?.['people']);
      const moniker = textOf(people?.['moniker']);
      const monikerXuid = textOf(people?.['monikerXuid']);
      if (people && !(isMoniker(moniker) && monikerXuid)) return undefined;
      return {
        request: {
          kind: 'search.query',
          scid,
          templateName,
          ...(filter === undefined ? {} : { filter }),
          ...(orderBy === undefined ? {} : { orderBy }),
          ...(isMoniker(moniker) && monikerXuid ? { people: { moniker, monikerXuid } } : {}),
        },
        labels,
      };
    }
    case 'session.join': {
      const sessionRef = sessionRefOf(entry, body);
      const xuid = memberXuidOf(body) ?? ownXuid;
      return sessionRef && xuid ? { request: { kind: 'session.join', sessionRef, xuid }, labels } : undefined;
    }
    case 'session.get':
    case 'session.leave': {
      const sessionRef = sessionRefOf(entry, body);
      return sessionRef ? { request: { kind: entry.kind, sessionRef }, labels } : undefined;
    }
  }
}
