/**
 * Sends MPA requests for one sender: checks the request, builds the wire as XSAPI does (with a
 * sequence number that grows per sender and title, see sequence-number.ts), paces it by its
 * bucket, and reads the answer into words a person and a script can use. An invite is ONE call
 * for up to 16 invitees, so its result lists each invitee with that one call's outcome.
 */
import { HandleStudioError, type AppError } from '../../shared/errors.ts';
import { readActivityQuery, readOneActivity, type MpaActivity, type MpaUserActivities } from '../../shared/mpa/activities.ts';
import type { MpaRequest } from '../../shared/mpa/requests.ts';
import { nextSequenceNumber } from '../../shared/mpa/sequence-number.ts';
import { buildMpaWire, parseMpaRequest, type MpaWire } from '../../shared/mpa/wire.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { createMpaClient, type MpaClient, type MpaExchange } from './client.ts';
import type { MpaBudgets } from './mpa-budgets.ts';

export interface MpaTarget {
  /** Whose budget and sequence numbers: a profile id, or a digest of XBL_AUTHORIZATION's user hash. */
  sender: string;
  baseUrl: string;
  authorization: AuthorizationSource;
}

export interface MpaInviteeOutcome {
  xuid: string;
  /**
   * invited: MPA took the call (204); not-invited: it refused it; unknown: it may or may not
   * have; queued: the call could not go out now and waits in the outbox (one item for the call).
   */
  outcome: 'invited' | 'not-invited' | 'unknown' | 'queued';
}

export interface MpaResult {
  request: MpaRequest;
  /** The call; when it was queued instead of sent, an exchange with no response saying why. */
  exchange: MpaExchange;
  error?: AppError;
  /**
   * 1 when the call could not go out now (offline, no usable token) and waits in the outbox,
   * which sends it when the network and a token are back; `error` then says why. 0 otherwise.
   */
  queued: number;
  /** What could not be written (history, the outbox journal) although the call went out: note the answer. */
  warnings?: AppError[];
  /** mpa.invite.send: one line per invitee. */
  invitees?: MpaInviteeOutcome[];
  /** mpa.activity.query: this title's activities per user. */
  users?: MpaUserActivities[];
  /** mpa.activity.get: the activity, or null when the user has none (204). */
  activity?: MpaActivity | null;
}

export interface MpaService {
  /** Checks, lays out and sends one call (no history, no outbox: mpa-sender.ts adds those). */
  send(target: MpaTarget, input: unknown, signal?: AbortSignal): Promise<MpaResult>;
  /** Lays out a checked request as it goes on the wire; an activity write takes its sequence number now. */
  wireFor(target: Pick<MpaTarget, 'sender'>, request: MpaRequest): MpaWire;
  /**
   * Sends one laid-out call through `wrap(client)` when given (the history and journal
   * wrappers of mpa-sender.ts), paced by the sender's bucket.
   */
  call(target: MpaTarget, wire: MpaWire, options?: { signal?: AbortSignal; wrap?: (client: MpaClient) => MpaClient }): Promise<MpaExchange>;
  /**
   * For a queued activity write: the sequence number a later write of this sender and title
   * has already taken in this process, when there is one (the queued write is then stale).
   */
  laterSequence(sender: string, titleId: string, sequenceNumber: number): number | undefined;
}

/** The title of a laid-out call: its path starts /titles/{titleId}/. */
export function titleOfWire(wire: Pick<MpaWire, 'path'>): string {
  const title = /^\/titles\/([0-9]+)\//.exec(wire.path)?.[1];
  if (title === undefined)
    throw new HandleStudioError('VALIDATION', `An MPA call's path must start /titles/{titleId}/ (it is ${wire.path}).`);
  return title;
}

/** What one exchange says about the request, in words a person and a script can use. */
export function mpaResultOf(request: MpaRequest, exchange: MpaExchange): MpaResult {
  const result: MpaResult = { request, exchange, queued: 0 };
  if (exchange.error !== undefined) result.error = exchange.error;
  if (request.kind === 'mpa.invite.send') {
    const outcome = exchange.error === undefined ? 'invited' : exchange.error.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'not-invited';
    result.invitees = request.invitedUsers.map((xuid) => ({ xuid, outcome }));
  }
  if (exchange.error === undefined && request.kind === 'mpa.activity.query') {
    const users = readActivityQuery(exchange.response?.json, request.titleId);
    if (users === undefined)
      result.error = {
        code: 'MPSD_REJECTED',
        message: 'MPA answered the query with a body that is not a list of userActivities; see the response.',
      };
    else result.users = users;
  }
  if (exchange.error === undefined && request.kind === 'mpa.activity.get') {
    const activity = exchange.response?.status === 204 ? null : readOneActivity(exchange.response?.json, request.xuid);
    if (activity === undefined)
      result.error = { code: 'MPSD_REJECTED', message: 'MPA answered with a body that is not an activity; see the response.' };
    else result.activity = activity;
  }
  return result;
}

export function createMpaService(deps: { fetch: FetchLike; clock: Clock; budgets: MpaBudgets }): MpaService {
  /** The last sequence number an activity write took, per sender and title. */
  const lastSequence = new Map<string, number>();
  const keyOf = (sender: string, titleId: string) => `${sender}/${titleId}`;

  const service: MpaService = {
    wireFor(target, request) {
      const key = keyOf(target.sender, request.titleId);
      const next = nextSequenceNumber(deps.clock.now(), lastSequence.get(key));
      const sequenceNumber = 'sequenceNumber' in request && request.sequenceNumber !== undefined ? request.sequenceNumber : next;
      if (request.kind === 'mpa.activity.set' || request.kind === 'mpa.activity.delete')
        lastSequence.set(key, Math.max(sequenceNumber, lastSequence.get(key) ?? 0));
      return buildMpaWire(request, { sequenceNumber, now: deps.clock.now() });
    },

    async call(target, wire, options = {}) {
      const client = createMpaClient({
        fetch: deps.fetch,
        clock: deps.clock,
        baseUrl: target.baseUrl,
        authorization: target.authorization,
      });
      const budget = deps.budgets.budgetFor(wire.bucket, target.sender, titleOfWire(wire));
      return (options.wrap ? options.wrap(client) : client).send(wire, {
        budget,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    },

    laterSequence(sender, titleId, sequenceNumber) {
      const last = lastSequence.get(keyOf(sender, titleId));
      return last !== undefined && last > sequenceNumber ? last : undefined;
    },

    async send(target, input, signal) {
      const request = parseMpaRequest(input);
      const exchange = await service.call(target, service.wireFor(target, request), signal === undefined ? {} : { signal });
      return mpaResultOf(request, exchange);
    },
  };
  return service;
}
