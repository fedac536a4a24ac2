/**
 * How a finished send is shown: for people, one line per MPSD call or invitee with its
 * status, handle id and correlation id (what a support ticket needs) and the answer of read
 * calls; for scripts (`--json`), the same facts as one JSON document. Request headers are
 * left out of both: the Authorization value is already masked, but nobody needs it here.
 */
import type { SendResult } from '../shared/contract/requests.ts';
import type { ExchangeView } from '../shared/contract/common.ts';
import { exitCodeForSend, firstSendFailure } from './exit-codes.ts';
import type { CliContext } from './context.ts';

/** One MPSD call as `--json` reports it. */
export interface RequestReport {
  kind: string;
  method: string;
  url: string;
  status?: number;
  correlationId?: string;
  handleId?: string;
  invitedXuid?: string;
  durationMs: number;
  error?: { code: string; message: string };
  /** The answer's JSON body, when it had one. */
  body?: unknown;
}

export function requestReport(exchange: ExchangeView): RequestReport {
  return {
    kind: exchange.kind,
    method: exchange.request.method,
    url: exchange.request.url,
    ...(exchange.response === undefined ? {} : { status: exchange.response.status }),
    ...(exchange.correlationId === undefined ? {} : { correlationId: exchange.correlationId }),
    ...(exchange.handleId === undefined ? {} : { handleId: exchange.handleId }),
    ...(exchange.invitedXuid === undefined ? {} : { invitedXuid: exchange.invitedXuid }),
    durationMs: Math.round(exchange.durationMs),
    ...(exchange.error === undefined ? {} : { error: { code: exchange.error.code, message: exchange.error.message } }),
    ...(exchange.response?.json === undefined ? {} : { body: exchange.response.json }),
  };
}

/** The `--json` document for a send. */
export function sendJson(result: SendResult, exitCode: number): Record<string, unknown> {
  const failure = firstSendFailure(result);
  return {
    ok: exitCode === 0,
    exitCode,
    runId: result.runId,
    outcome: result.outcome,
    queued: result.queued,
    requests: result.exchanges.map(requestReport),
    ...(result.invitees === undefined ? {} : { invitees: result.invitees }),
    ...(failure === undefined || exitCode === 0 ? {} : { error: failure }),
    ...(result.warnings === undefined ? {} : { warnings: result.warnings }),
  };
}

/** Writes the report and returns the exit code for it. */
export function reportSend(context: CliContext, result: SendResult, json: boolean): number {
  const exitCode = exitCodeForSend(result);
  if (json) {
    context.printJson(sendJson(result, exitCode));
    return exitCode;
  }
  // What could not be written around the send (history, the outbox journal) comes first, so
  // nobody misses that the lines below may be the only record of what MPSD did.
  for (const warning of result.warnings ?? []) context.warn(`Warning: ${warning.code}: ${warning.message}`);
  if (result.outcome === 'queued') {
    context.say(
      `Queued ${result.queued} request${result.queued === 1 ? '' : 's'} in the outbox${result.error ? ` (${result.error.message})` : ''}.`,
    );
    context.say("They go out with `handle-studio outbox flush` (each with its own profile's token) once MPSD can be reached.");
    return exitCode;
  }
  if (result.invitees !== undefined) {
    reportInvitees(context, result);
  } else {
    for (const exchange of result.exchanges) reportExchange(context, exchange);
  }
  if (result.outcome === 'cancelled') context.warn('Stopped before every call was made (cancelled).');
  const failure = firstSendFailure(result);
  if (exitCode !== 0 && failure !== undefined && result.invitees === undefined) context.warn(`${failure.code}: ${failure.message}`);
  return exitCode;
}

/** Kinds whose answer is what the user asked for; for writes the status line says it all. */
const READ_KINDS: ReadonlySet<string> = new Set(['handle.get', 'handle.session', 'session.get']);

function reportExchange(context: CliContext, exchange: ExchangeView): void {
  const path = pathOf(exchange.request.url);
  const status = exchange.response === undefined ? 'no answer' : String(exchange.response.status);
  const extras = [
    exchange.handleId === undefined ? '' : `handle ${exchange.handleId}`,
    exchange.correlationId === undefined ? '' : `correlation ${exchange.correlationId}`,
  ].filter(Boolean);
  context.say(`${exchange.request.method} ${path} -> ${status}${extras.length > 0 ? `  ${extras.join('  ')}` : ''}`);
  if (exchange.error !== undefined || exchange.response?.json === undefined) return;
  if (exchange.kind === 'activity.query') reportActivities(context, exchange.response.json);
  else if (READ_KINDS.has(exchange.kind)) context.say(JSON.stringify(exchange.response.json, null, 2));
}

/** One line per activity found: who, in which session, with which handle (parsed leniently). */
function reportActivities(context: CliContext, answer: unknown): void {
  const results = (answer as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length === 0) {
    context.say('No activity found.');
    return;
  }
  for (const result of results as {
    id?: unknown;
    ownerXuid?: unknown;
    sessionRef?: { templateName?: unknown; name?: unknown };
    relatedInfo?: { membersCount?: unknown; maxMembersCount?: unknown };
  }[]) {
    const members =
      typeof result.relatedInfo?.membersCount === 'number'
        ? `  ${result.relatedInfo.membersCount}/${String(result.relatedInfo.maxMembersCount ?? '?')} members`
        : '';
    context.say(
      `${String(result.ownerXuid ?? '?')} is in ${String(result.sessionRef?.templateName ?? '?')}/${String(result.sessionRef?.name ?? '?')}  handle ${String(result.id ?? '?')}${members}`,
    );
  }
}

function reportInvitees(context: CliContext, result: SendResult): void {
  const invitees = result.invitees ?? [];
  for (const invitee of invitees) {
    const who = invitee.label === undefined ? invitee.invitedXuid : `${invitee.invitedXuid} (${invitee.label})`;
    const parts = [
      invitee.state.padEnd(15),
      who,
      invitee.handleId === undefined ? '' : `handle ${invitee.handleId}`,
      invitee.correlationId === undefined ? '' : `correlation ${invitee.correlationId}`,
      invitee.error === undefined ? '' : `${invitee.error.code}: ${invitee.error.message}`,
    ];
    context.say(parts.filter(Boolean).join('  '));
  }
  const sent = invitees.filter((invitee) => invitee.state === 'sent').length;
  const queued = invitees.filter((invitee) => invitee.state === 'queued').length;
  const unknown = invitees.filter((invitee) => invitee.state === 'outcome-unknown').length;
  const summary = [`${sent} of ${invitees.length} invite${invitees.length === 1 ? '' : 's'} sent`];
  if (queued > 0) summary.push(`${queued} queued in the outbox`);
  if (unknown > 0) summary.push(`${unknown} may or may not have arrived (check history before sending again)`);
  const notAttempted = invitees.filter((invitee) => invitee.state === 'not-attempted').length;
  const failed = invitees.length - sent - queued - unknown - notAttempted;
  if (failed > 0) summary.push(`${failed} not sent`);
  if (notAttempted > 0) summary.push(`${notAttempted} not attempted (never sent, not queued: safe to send to them again)`);
  context.say(`${summary.join('; ')}.`);
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
