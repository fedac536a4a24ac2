/**
 * Rebuilds the MPA call a history entry recorded, so it can be opened in MPA Compose or sent
 * again: the counterpart of requestFromHistory for MPSD entries. History keeps the wire call
 * (method, URL, body as XSAPI lays it out); the call's fields are read back from the URL's
 * path and the body. Nothing is judged here: MPA Compose's schema does that, with its
 * messages. Undefined when the entry does not carry enough (the caller then says so).
 *
 * Not on the wire, so not rebuilt: the sequence number the sender chose (the next send picks
 * a new one, as it must), and allowCrossPlatformJoin (XSAPI sends only the platform).
 */
import type { HistoryEntry } from '../../../app/shared/contract/history.ts';
import type { MpaRequestInput } from '../../../app/shared/mpa/requests.ts';

type Json = Record<string, unknown>;

function bodyOf(entry: HistoryEntry): Json {
  if (entry.request.body === undefined || entry.request.body === '') return {};
  try {
    const parsed: unknown = JSON.parse(entry.request.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : {};
  } catch {
    return {};
  }
}

/** A field of the body when the wire had it (the form's schema judges its value). */
function given(body: Json, name: string): Json {
  return body[name] === undefined ? {} : { [name]: body[name] };
}

/** `/titles/{titleId}/…`: the title and the rest of the path, wherever MPA's base URL puts them. */
function titlePathOf(url: string): { titleId: string; rest: string } | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /\/titles\/([^/]+)(\/.*)$/.exec(path);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { titleId: decodeURIComponent(match[1]), rest: match[2] };
}

/** The MPA call `entry` recorded, or undefined when it is not an MPA call or cannot be read back. */
export function mpaRequestFromHistory(entry: HistoryEntry): MpaRequestInput | undefined {
  const at = titlePathOf(entry.request.url);
  if (at === undefined) return undefined;
  const { titleId, rest } = at;
  const body = bodyOf(entry);
  const xuid = /^\/users\/([^/]+)\/activities$/.exec(rest)?.[1];
  switch (entry.kind) {
    case 'mpa.activity.set':
      return xuid === undefined
        ? undefined
        : ({
            kind: entry.kind,
            titleId,
            xuid,
            ...given(body, 'connectionString'),
            ...given(body, 'joinRestriction'),
            ...given(body, 'maxPlayers'),
            ...given(body, 'currentPlayers'),
            ...given(body, 'groupId'),
            ...given(body, 'platform'),
          } as MpaRequestInput);
    case 'mpa.activity.delete':
    case 'mpa.activity.get':
      return xuid === undefined ? undefined : { kind: entry.kind, titleId, xuid };
    case 'mpa.activity.query':
      return Array.isArray(body['users']) ? { kind: entry.kind, titleId, users: body['users'].map(String) } : undefined;
    case 'mpa.invite.send': {
      const invitedUsers = Array.isArray(body['invitedUsers']) ? body['invitedUsers'].map(String) : entry.invitedXuids;
      return invitedUsers === undefined
        ? undefined
        : ({ kind: entry.kind, titleId, invitedUsers, ...given(body, 'connectionString'), ...given(body, 'platform') } as MpaRequestInput);
    }
    case 'mpa.recentPlayers.update': {
      if (!Array.isArray(body['recentPlayers'])) return undefined;
      const players = (body['recentPlayers'] as unknown[]).map((player) =>
        typeof player === 'object' && player !== null ? (player as Json) : {},
      );
      return {
        kind: entry.kind,
        titleId,
        // The encounter time is the sender's at send time: a new send stamps its own.
        recentPlayers: players.map((player) => ({ id: String(player['id'] ?? ''), ...given(player, 'encounterType') })),
      } as MpaRequestInput;
    }
    default:
      return undefined;
  }
}
