/**
 * Sends MPA requests for one sender: checks the request, builds the wire as XSAPI does (with a
 * sequence number that grows per sender and title, see sequence-number.ts), paces it by its
 * bucket, and reads the answer into words a person and a script can use. An invite is ONE call
 * for up to 16 invitees, so its result lists each invitee with that one call's outcome.
 */
import type { AppError } from '../../shared/errors.ts';
import { readActivityQuery, readOneActivity, type MpaActivity, type MpaUserActivities } from '../../shared/mpa/activities.ts';
import type { MpaRequest } from '../../shared/mpa/requests.ts';
import { nextSequenceNumber } from '../../shared/mpa/sequence-number.ts';
import { buildMpaWire, parseMpaRequest } from '../../shared/mpa/wire.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { createMpaClient, type MpaExchange } from './client.ts';
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
  /** mpa.invite.send: one line per invitee. */
  invitees?: MpaInviteeOutcome[];
  /** mpa.activity.query: this title's activities per user. */
  users?: MpaUserActivities[];
  /** mpa.activity.get: the activity, or null when the user has none (204). */
  activity?: MpaActivity | null;
}

export interface MpaService {
  send(target: MpaTarget, input: unknown, signal?: AbortSignal): Promise<MpaResult>;
}

export function createMpaService(deps: { fetch: FetchLike; clock: Clock; budgets: MpaBudgets }): MpaService {
  const lastSequence = new Map<string, number>();

  function sequenceFor(target: MpaTarget, request: MpaRequest): number {
    const key = `${target.sender}/${request.titleId}`;
    const next = nextSequenceNumber(deps.clock.now(), lastSequence.get(key));
    if (request.kind === 'mpa.activity.set' || request.kind === 'mpa.activity.delete')
      lastSequence.set(key, request.sequenceNumber ?? next);
    return next;
  }

  return {
    async send(target, input, signal) {
      const request = parseMpaRequest(input);
      const wire = buildMpaWire(request, { sequenceNumber: sequenceFor(target, request), now: deps.clock.now() });
      const client = createMpaClient({
        fetch: deps.fetch,
        clock: deps.clock,
        baseUrl: target.baseUrl,
        authorization: target.authorization,
      });
      const budget = deps.budgets.budgetFor(wire.bucket, target.sender, request.titleId);
      const exchange = await client.send(wire, { budget, ...(signal === undefined ? {} : { signal }) });
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
    },
  };
}
