/**
 * `PUT|GET /serviceconfigs/{scid}/sessionTemplates/{template}/sessions/{name}` and
 * `DELETE .../members/me`, plus the session answer shared with the handle-session calls.
 * Session calls speak contracts 104, 105 and 107; documents are stored in 107's shape and
 * rendered in the caller's version (mpsd-sessions-and-invitees.md §7).
 */
import type { SessionRefValue } from './handle-bodies.ts';
import type { EmulatorState, MpsdAnswer, MpsdCall } from './exchange.ts';
import { headerOf, jsonBodyOf } from './exchange.ts';
import type { HandleGrant } from './session-access.ts';
import { readSessionDelta } from './session-bodies.ts';
import { sessionDocument } from './session-document.ts';
import type { StoredSession, WriteCondition } from './sessions.ts';
import { RefusalWithSession } from './sessions.ts';
import { MpsdRefusal, badRequest, checkContractVersion } from './wire-checks.ts';

/** 104 and 105 are the same document (DET:55); 107 is what Microsoft's client sends. */
export const SESSION_CONTRACTS = [104, 105, 107] as const;

/** The caller's contract version, checked. */
export function contractOf(call: MpsdCall): number {
  return checkContractVersion(headerOf(call, 'x-xbl-contract-version'), SESSION_CONTRACTS);
}

/**
 * The session's path on MPSD, as `Content-Location` names it: MPSD writes `sessiontemplates` in
 * lowercase there (mpsd-sessions-and-invitees.md, Joining), unlike the `sessionTemplates` most
 * clients send, so a client that reads it case-sensitively fails here as it would against MPSD.
 */
export function sessionPathOf(ref: SessionRefValue): string {
  return `/serviceconfigs/${ref.scid}/sessiontemplates/${ref.templateName}/sessions/${ref.name}`;
}

/** 200/201 with the session document and its ETag; `located` adds Content-Location (handle calls). */
export function sessionAnswer(session: StoredSession, status: 200 | 201, located: boolean, contract: number): MpsdAnswer {
  const headers: Record<string, string> = { ETag: session.etag };
  if (located) headers['Content-Location'] = sessionPathOf(session.ref);
  return { status, json: sessionDocument(session, contract), headers };
}

/** Reads If-Match / If-None-Match into a write condition (reference §2.6). */
export function writeConditionOf(call: MpsdCall): WriteCondition {
  const ifMatch = headerOf(call, 'if-match')?.trim();
  const ifNoneMatch = headerOf(call, 'if-none-match')?.trim();
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    badRequest('Send If-Match or If-None-Match, not both.');
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') badRequest('If-None-Match only supports * (create the session only if it does not exist).');
    return { kind: 'create' };
  }
  if (ifMatch === undefined) return { kind: 'any' };
  if (ifMatch === '*') return { kind: 'update' };
  if (ifMatch === '') badRequest('If-Match must be * or an ETag read from the session.');
  return { kind: 'match', etag: ifMatch };
}

/** Applies a PUT body to the session `ref` and answers as MPSD does. */
export function writeSession(call: MpsdCall, state: EmulatorState, ref: SessionRefValue, located: boolean, grant: HandleGrant): MpsdAnswer {
  const contract = contractOf(call);
  const delta = readSessionDelta(jsonBodyOf(call), contract);
  let write;
  try {
    write = state.sessions.write(ref, delta, call.caller, writeConditionOf(call), grant);
  } catch (error) {
    if (error instanceof RefusalWithSession) {
      // The caller may see the session's body only if it may read it; otherwise the read refusal stands.
      state.sessions.read(ref, call.caller, grant);
      throw new MpsdRefusal(error.status, error.message, { ETag: error.session.etag }, sessionDocument(error.session, contract));
    }
    throw error;
  }
  if (write.outcome === 'empty') return { status: 204 };
  return sessionAnswer(write.session, write.outcome === 'created' ? 201 : 200, located, contract);
}

/** `PUT .../sessions/{name}`: create, join, update or leave. */
export function putSession(call: MpsdCall, state: EmulatorState, ref: SessionRefValue): MpsdAnswer {
  contractOf(call);
  state.access.checkTemplate(ref.scid, ref.templateName);
  return writeSession(call, state, ref, false, 'none');
}

/** `GET .../sessions/{name}`: the document, 204 when there is no such session, 403 when the caller may not read it. */
export function getSession(call: MpsdCall, state: EmulatorState, ref: SessionRefValue): MpsdAnswer {
  const contract = contractOf(call);
  state.access.checkTemplate(ref.scid, ref.templateName);
  const session = state.sessions.read(ref, call.caller, 'none');
  return session === undefined ? { status: 204 } : sessionAnswer(session, 200, false, contract);
}

/** `DELETE .../sessions/{name}/members/me`: leave; 204 whether or not the caller was there. */
export function leaveSession(call: MpsdCall, state: EmulatorState, ref: SessionRefValue): MpsdAnswer {
  contractOf(call);
  state.access.checkTemplate(ref.scid, ref.templateName);
  state.sessions.leave(ref, call.caller.xuid);
  return { status: 204 };
}
