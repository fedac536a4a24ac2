/**
 * How the handle-reading commands show their answers. Query results (activities, search
 * handles) get one line per handle saying at a glance whether its session can be joined and
 * why not; with --json the same reading comes as `handles` next to MPSD's raw answer. A join
 * through a handle names the session it reached. The call lines themselves (method, path,
 * status, handle and correlation ids) and errors are printed by send-report.ts as for every send.
 */
import type { ExchangeView } from '../shared/contract/common.ts';
import type { SendResult } from '../shared/contract/requests.ts';
import { readHandleDocument, readHandleQueryAnswer, type HandleDocument } from '../shared/mpsd/handle-document.ts';
import type { CliContext } from './context.ts';
import { exitCodeForSend } from './exit-codes.ts';
import { reportSend, sendJson } from './send-report.ts';

/** Reports a finished send; returns its exit code. */
export type SendReporter = (context: CliContext, result: SendResult, json: boolean) => number;

const QUERY_KINDS: ReadonlySet<string> = new Set(['activity.query', 'search.query']);
const THROUGH_HANDLE_KINDS: ReadonlySet<string> = new Set(['handle.join', 'handle.session']);

const answered = (exchange: ExchangeView) => exchange.error === undefined && exchange.response !== undefined;

/** The query exchanges' handles, read in full, in MPSD's order. */
function handlesOf(result: SendResult): HandleDocument[] {
  return result.exchanges
    .filter((exchange) => QUERY_KINDS.has(exchange.kind) && answered(exchange))
    .flatMap((exchange) => readHandleQueryAnswer(exchange.response?.json));
}

function membersOf(handle: HandleDocument): string {
  const info = handle.relatedInfo;
  return info?.membersCount === undefined ? '' : `${info.membersCount}/${info.maxMembersCount ?? '?'} members`;
}

function sessionOf(handle: HandleDocument): string {
  return `${handle.sessionRef?.templateName ?? '?'}/${handle.sessionRef?.name ?? '?'}`;
}

/** One line per handle: whose (activities) or which tags (search handles), where, and whether it can be joined. */
function handleLine(handle: HandleDocument): string {
  const where = handle.type === 'search' ? sessionOf(handle) : `${handle.ownerXuid ?? '?'} is in ${sessionOf(handle)}`;
  const tags = handle.searchAttributes?.tags?.length ? `tags ${handle.searchAttributes.tags.join(',')}` : '';
  return [where, `handle ${handle.id ?? '?'}`, membersOf(handle), handle.joinability.summary, tags].filter(Boolean).join('  ');
}

/** The call lines without the raw answers, which the handle lines replace. */
function withoutAnswerBodies(result: SendResult): SendResult {
  return {
    ...result,
    exchanges: result.exchanges.map((exchange) =>
      exchange.response === undefined || !QUERY_KINDS.has(exchange.kind)
        ? exchange
        : { ...exchange, response: { ...exchange.response, json: undefined } },
    ),
  };
}

/** `activity get|query` and `handle search`: the call, then one line per handle found. */
export const reportHandleQuery: SendReporter = (context, result, json) => {
  const handles = handlesOf(result);
  if (json) {
    const exitCode = exitCodeForSend(result);
    context.printJson({ ...sendJson(result, exitCode), handles });
    return exitCode;
  }
  const exitCode = reportSend(context, withoutAnswerBodies(result), false);
  const query = result.exchanges.find((exchange) => QUERY_KINDS.has(exchange.kind));
  if (query === undefined || !answered(query)) return exitCode;
  if (handles.length === 0) context.say(query.kind === 'search.query' ? 'No search handle found.' : 'No activity found.');
  for (const handle of handles) context.say(handleLine(handle));
  return exitCode;
};

/** `handle join` and `handle session`: the call as usual, then the session it reached (from Content-Location). */
export const reportThroughHandle: SendReporter = (context, result, json) => {
  const call = result.exchanges.find((exchange) => THROUGH_HANDLE_KINDS.has(exchange.kind) && answered(exchange));
  const reached = call?.sessionRef;
  if (json) {
    const exitCode = exitCodeForSend(result);
    context.printJson({ ...sendJson(result, exitCode), ...(reached === undefined ? {} : { session: reached }) });
    return exitCode;
  }
  const exitCode = reportSend(context, result, false);
  if (reached !== undefined) context.say(`Session: ${reached.scid} ${reached.templateName}/${reached.name}`);
  // 204: MPSD has no such session (a handle may point at one that was never created or is gone).
  else if (call?.response?.status === 204) context.say('No session: the handle points at a session that does not exist (any more).');
  return exitCode;
};

/** Who a handle is about, in words: its owner, or for an invite who invited whom. */
function whoOf(handle: HandleDocument): string {
  if (handle.type === 'invite')
    return `invites ${handle.invitedXuid ?? '?'}${handle.senderXuid === undefined ? '' : ` from ${handle.senderXuid}`}`;
  return handle.ownerXuid === undefined ? '' : `owner ${handle.ownerXuid}`;
}

/** `handle get`: the document as MPSD sent it, then the fields that matter in one line. */
export const reportHandleRead: SendReporter = (context, result, json) => {
  const read = result.exchanges.find((exchange) => exchange.kind === 'handle.get' && answered(exchange));
  const handle = read === undefined ? undefined : readHandleDocument(read.response?.json);
  if (json) {
    const exitCode = exitCodeForSend(result);
    context.printJson({ ...sendJson(result, exitCode), ...(handle === undefined ? {} : { handle }) });
    return exitCode;
  }
  const exitCode = reportSend(context, result, false);
  if (handle === undefined) return exitCode;
  const origin =
    handle.originSessionRef === undefined
      ? ''
      : `from ${handle.originSessionRef.templateName ?? '?'}/${handle.originSessionRef.name ?? '?'}`;
  const parts = [
    `${handle.type ?? 'unknown'} handle for ${sessionOf(handle)}`,
    origin,
    whoOf(handle),
    handle.titleId === undefined ? '' : `title ${handle.titleId}`,
    handle.expiration === undefined ? '' : `expires ${handle.expiration}`,
  ];
  context.say(parts.filter(Boolean).join('  '));
  return exitCode;
};
