/**
 * The entry point the app uses for every request kind: turns a parsed HandleRequest into
 * MPSD calls, runs them (invites through the paced fan-out, activity.clear as query then
 * delete, search calls behind their own rate windows) and reports every exchange, so
 * history can keep each call as it happened.
 */
import type { AppError } from '../../shared/errors.ts';
import { activityClearQuery, buildWireRequests, deleteHandle, inviteSend } from '../../shared/mpsd/builders.ts';
import type { ActivityClearRequest, HandleRequest } from '../../shared/mpsd/requests.ts';
import { sessionRefFromPath } from '../../shared/mpsd/session-ref.ts';
import type { MpsdExchange, RequestKind } from '../../shared/mpsd/wire.ts';
import { systemClock } from '../clock.ts';
import type { Clock } from '../ports.ts';
import type { MpsdClient } from './client.ts';
import { runFanOut, type FanOutProgress, type FanOutResult } from './fan-out.ts';
import type { RateBudget } from './rate-budget.ts';
import { budgetForCall } from './search-budget.ts';

export interface OperationContext {
  client: MpsdClient;
  /** The sending user's budget; every call of the operation is paced by it. */
  budget: RateBudget;
  signal?: AbortSignal;
  /** invite.send only: one event per invitee as its answer arrives. */
  onProgress?: (progress: FanOutProgress) => void;
  /** invite.send only: invites in flight at once (default 4). */
  concurrency?: number;
  /** Paces the search-handle windows (see search-budget.ts); the wall clock when left out. */
  clock?: Clock;
}

/**
 * What one request did.
 * - `exchanges`: every HTTP exchange made, in order (an invite to 5 people has 5; clearing an
 *   activity has the query and then one delete per activity found). Authorization is masked.
 * - `invitees` (invite.send): one result per invitee, in input order.
 * - `clearedHandleIds` (activity.clear): the activity handles deleted; empty when the user
 *   had no activity for that SCID (not an error).
 * - `error`: absent when everything asked for happened. Otherwise the first failure: the
 *   failing call's error, or for invites the first invitee that did not end `sent`.
 */
export interface OperationOutcome {
  kind: RequestKind;
  exchanges: MpsdExchange[];
  invitees?: FanOutResult[];
  clearedHandleIds?: string[];
  error?: AppError;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Calls that create a handle: the new handle's id is in the answer. */
const CREATES_HANDLE: ReadonlySet<RequestKind> = new Set(['transfer.create', 'search.create']);
/** Calls through a handle: the session they reached is in Content-Location. */
const REACHES_SESSION_THROUGH_HANDLE: ReadonlySet<RequestKind> = new Set(['handle.join', 'handle.session']);

/**
 * Adds what only the answer tells: the id of a created transfer or search handle, and the
 * session a handle led to (from Content-Location), so history and output can name it and a
 * later `session leave` knows where to go.
 */
function withAnswerFacts(exchange: MpsdExchange): MpsdExchange {
  const response = exchange.response;
  if (exchange.error !== undefined || response === undefined) return exchange;
  if (CREATES_HANDLE.has(exchange.kind) && exchange.handleId === undefined) {
    const id = (response.json as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && GUID.test(id)) exchange.handleId = id.toLowerCase();
  }
  if (REACHES_SESSION_THROUGH_HANDLE.has(exchange.kind) && exchange.sessionRef === undefined) {
    const sessionRef = sessionRefFromPath(response.headers['content-location']);
    if (sessionRef !== undefined) exchange.sessionRef = sessionRef;
  }
  return exchange;
}

/**
 * The activity handles in a `POST /handles/query` answer that belong to `ownerXuid`. Parsed
 * leniently (unknown fields ignored); a result without `ownerXuid` counts as the owner's,
 * since the query asked for that owner alone.
 */
export function ownedActivityHandleIds(queryAnswer: unknown, ownerXuid: string): string[] {
  const results = (queryAnswer as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results)) return [];
  const ids: string[] = [];
  for (const handle of results) {
    if (typeof handle !== 'object' || handle === null) continue;
    const { id, type, ownerXuid: owner } = handle as { id?: unknown; type?: unknown; ownerXuid?: unknown };
    if (typeof id !== 'string' || !GUID.test(id)) continue;
    if (type !== undefined && type !== 'activity') continue;
    if (owner !== undefined && String(owner) !== ownerXuid) continue;
    ids.push(id.toLowerCase());
  }
  return ids;
}

async function clearActivity(request: ActivityClearRequest, context: OperationContext): Promise<OperationOutcome> {
  const send = { budget: context.budget, ...(context.signal ? { signal: context.signal } : {}) };
  const query = await context.client.send(activityClearQuery(request), send);
  const outcome: OperationOutcome = { kind: 'activity.clear', exchanges: [query], clearedHandleIds: [] };
  if (query.error !== undefined) return { ...outcome, error: query.error };

  for (const handleId of ownedActivityHandleIds(query.response?.json, request.ownerXuid)) {
    const deletion = await context.client.send(deleteHandle(handleId, 'activity.clear'), send);
    outcome.exchanges.push(deletion);
    // 404: MPSD removed it meanwhile (e.g. the member left the session), which is what we wanted.
    if (deletion.error === undefined || deletion.error.code === 'NOT_FOUND') {
      outcome.clearedHandleIds?.push(handleId);
    } else {
      outcome.error ??= deletion.error;
    }
  }
  return outcome;
}

/**
 * Runs `request` (already parsed with handleRequestSchema) against MPSD. Never rejects for
 * anything MPSD or the network does: failures come back in the outcome.
 */
export async function performRequest(request: HandleRequest, context: OperationContext): Promise<OperationOutcome> {
  if (request.kind === 'activity.clear') return clearActivity(request, context);

  if (request.kind === 'invite.send') {
    const invitees = await runFanOut(inviteSend(request), {
      client: context.client,
      budget: context.budget,
      ...(context.concurrency === undefined ? {} : { concurrency: context.concurrency }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(context.onProgress === undefined ? {} : { onProgress: context.onProgress }),
    });
    const outcome: OperationOutcome = {
      kind: 'invite.send',
      exchanges: invitees.flatMap((invitee) => (invitee.exchange === undefined ? [] : [invitee.exchange])),
      invitees,
    };
    const firstProblem = invitees.find((invitee) => invitee.state !== 'sent');
    if (firstProblem?.error !== undefined) outcome.error = firstProblem.error;
    return outcome;
  }

  const [wire] = buildWireRequests(request);
  // Every other kind is exactly one call (see buildWireRequests).
  const exchange = withAnswerFacts(
    await context.client.send(wire!, {
      budget: budgetForCall(request.kind, context.budget, context.clock ?? systemClock),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    }),
  );
  const outcome: OperationOutcome = { kind: request.kind, exchanges: [exchange] };
  if (exchange.error !== undefined) outcome.error = exchange.error;
  return outcome;
}
