/**
 * Which MPSD call a method and path name. Matching happens before authentication, so a
 * wrong URI is a 404 and a wrong method a 405 whoever asks.
 */
import type { EmulatorState, MpsdAnswer, MpsdCall } from './exchange.ts';
import type { SessionRefValue } from './handle-bodies.ts';
import { createHandle, deleteHandle, getHandle, getHandleSession, putHandleSession, queryHandles } from './handle-routes.ts';
import { matchMpaRoute } from './mpa/mpa-routes.ts';
import { getSession, leaveSession, putSession } from './session-routes.ts';
import { MpsdRefusal, isGuid, isMpsdName } from './wire-checks.ts';

export type RouteAction = (call: MpsdCall, state: EmulatorState) => MpsdAnswer;

const URI_NOT_FOUND = "The requested URI wasn't found.";

function byMethod(method: string, actions: Record<string, RouteAction>): RouteAction {
  const action = actions[method];
  if (action === undefined) {
    throw new MpsdRefusal(405, `${method} is not supported on this path; use ${Object.keys(actions).join(' or ')}.`, {
      Allow: Object.keys(actions).join(', '),
    });
  }
  return action;
}

function handleId(segment: string): string {
  if (!isGuid(segment)) throw new MpsdRefusal(404, "The requested handle wasn't found.");
  return segment;
}

function sessionRefOf(scid: string, templateName: string, name: string): SessionRefValue {
  if (!isGuid(scid) || !isMpsdName(templateName) || !isMpsdName(name)) {
    throw new MpsdRefusal(404, "The requested session wasn't found.");
  }
  return { scid: scid.toLowerCase(), templateName, name };
}

/** True when a path segment is the fixed word `word` (lowercase), whatever its case. */
function isWord(segment: string | undefined, word: string): boolean {
  return segment?.toLowerCase() === word;
}

/** The action for `method` on `segments`, or throws MpsdRefusal 404/405. */
export function matchRoute(method: string, segments: readonly string[]): RouteAction {
  const [first, second, third, fourth, fifth, sixth, seventh, eighth] = segments;
  // MPA's paths (mpa.md §2) never collide with MPSD's: one port serves both.
  if (first === 'titles') return matchMpaRoute(method, segments);
  if (first === 'handles') {
    if (segments.length === 1) return byMethod(method, { POST: createHandle });
    if (segments.length === 2 && second === 'query') return byMethod(method, { POST: queryHandles });
    if (segments.length === 2) {
      const id = handleId(second as string);
      return byMethod(method, {
        GET: (call, state) => getHandle(call, state, id),
        DELETE: (call, state) => deleteHandle(call, state, id),
      });
    }
    if (segments.length === 3 && third === 'session') {
      const id = handleId(second as string);
      return byMethod(method, {
        GET: (call, state) => getHandleSession(call, state, id),
        PUT: (call, state) => putHandleSession(call, state, id),
      });
    }
  }
  // MPSD takes the session path's fixed words in any case: XSAPI itself writes `sessionTemplates` in
  // some calls and `sessiontemplates` in others (multiplayer_service.cpp, multiplayer_session_reference.cpp),
  // and the Content-Location MPSD answers with is lowercase (mpsd-sessions-and-invitees.md, Joining).
  if (isWord(first, 'serviceconfigs') && isWord(third, 'sessiontemplates') && isWord(fifth, 'sessions')) {
    if (segments.length === 6) {
      const ref = sessionRefOf(second as string, fourth as string, sixth as string);
      return byMethod(method, {
        GET: (call, state) => getSession(call, state, ref),
        PUT: (call, state) => putSession(call, state, ref),
      });
    }
    if (segments.length === 8 && isWord(seventh, 'members') && isWord(eighth, 'me')) {
      const ref = sessionRefOf(second as string, fourth as string, sixth as string);
      return byMethod(method, { DELETE: (call, state) => leaveSession(call, state, ref) });
    }
  }
  throw new MpsdRefusal(404, URI_NOT_FOUND);
}
