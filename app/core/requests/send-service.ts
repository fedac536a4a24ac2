/**
 * Sending: what the Compose screen, one-click preset invites, history's "resend", the outbox
 * and the CLI all go through. A send resolves the profile, paces calls through that user's
 * rate budget, records every exchange in history as it lands, and, when the caller asked for
 * it and the request cannot go out now (offline, no valid token), puts its wire requests in
 * the outbox instead of failing.
 */
import { randomUUID } from 'node:crypto';
import type * as z from '../../shared/zod.ts';
import type { SendResult, InviteeResult, requestChannels } from '../../shared/contract/requests.ts';
import type { Profile } from '../../shared/contract/profiles.ts';
import { isMpaKind } from '../../shared/recorded-kinds.ts';
import { HandleStudioError, toAppError, type AppError } from '../../shared/errors.ts';
import { buildWireRequests } from '../../shared/mpsd/builders.ts';
import type { HandleRequest } from '../../shared/mpsd/requests.ts';
import type { MpsdExchange, RequestKind, WireRequest } from '../../shared/mpsd/wire.ts';
import { historyEntryFromExchange, type HistorySender } from '../history/history-entry.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { createMpsdClient, type MpsdClient } from '../mpsd/client.ts';
import { performRequest } from '../mpsd/operations.ts';
import { createRateBudget, type RateBudget } from '../mpsd/rate-budget.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import type { Deliver, OutboxStore } from '../outbox/outbox-store.ts';
import { attemptRowId } from '../outbox/attempt-row-id.ts';
import type { OutboxAttempt } from '../../shared/contract/outbox.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { deliveryOutcomeOf, NOT_SENT_NOW, queuedBecause, storageWarnings, waitingBeforeDelivery } from './delivery-outcome.ts';
import { openInviteJournal, outboxItemsFor, type InviteJournal } from './invite-journal.ts';
import { AD_HOC_SENDER } from '../outbox/ad-hoc-sender.ts';
import { refuseHeldTokenInFields, refuseTokenInFields } from './token-in-fields.ts';

export { deliveryOutcomeOf } from './delivery-outcome.ts';

export type SendInput = z.output<(typeof requestChannels)['sendRequest']['input']>;

/** Where and as whom a request goes: a saved profile, or an ad-hoc target (CLI with XBL_AUTHORIZATION). */
export interface SendTarget {
  sender: HistorySender;
  endpoint: string;
  contractVersion: Profile['contractVersion'];
  locale: string;
  authorization: AuthorizationSource;
  /** Only profiles can queue: the outbox must know who will send the item later. */
  canQueue: boolean;
  /**
   * Whose rate budget the calls spend; the profile id when absent. MPSD counts per user and
   * title, so ad-hoc senders (no profile) are keyed by their user instead of sharing one budget.
   */
  budgetKey?: string;
}

export interface SendServiceDeps {
  fetch: FetchLike;
  clock: Clock;
  history: HistoryStore;
  outbox: OutboxStore;
  /** The target for a profile id (the active profile when undefined); throws NOT_FOUND / NO_CREDENTIALS. */
  targetForProfile(profileId: string | undefined): SendTarget & { profileId: string };
  onProgress(progress: { runId: string; done: number; total: number; last?: InviteeResult }): void;
  /** Sends one queued MPA item (mpa-sender.ts); without it MPA items wait, paused. */
  deliverMpa?: Deliver;
  /** A sending user's rate budget, shared with the other processes of the data folder; default: one per user in this process. */
  rateBudgetFor?(key: string): RateBudget;
}

/** Reads are pointless to replay later; these kinds are queued when they cannot go out now. */
const QUEUEABLE_KINDS: ReadonlySet<RequestKind> = new Set([
  'activity.set',
  'invite.send',
  'handle.delete',
  'session.join',
  'session.leave',
]);

export interface SendService {
  send(input: SendInput): Promise<SendResult>;
  /** For the CLI without a profile: same pipeline; nothing is queued, its invites are journaled as the ad-hoc sender's (ad-hoc-sender.ts). */
  sendTo(target: SendTarget, input: Omit<SendInput, 'profileId' | 'queueIfUnavailable'>): Promise<SendResult>;
  cancel(runId: string): boolean;
  /** Sends one outbox item (the outbox's `deliver`). */
  deliver: Deliver;
}

export function createSendService(deps: SendServiceDeps): SendService {
  const budgets = new Map<string, RateBudget>();
  const running = new Map<string, AbortController>();

  /** One budget per sending user, shared by every send, so two windows never double the rate. */
  const budgetFor = (key: string): RateBudget => {
    if (deps.rateBudgetFor) return deps.rateBudgetFor(key);
    let budget = budgets.get(key);
    if (!budget) {
      budget = createRateBudget({ clock: deps.clock });
      budgets.set(key, budget);
    }
    return budget;
  };

  const clientFor = (target: SendTarget): MpsdClient =>
    createMpsdClient({
      fetch: deps.fetch,
      baseUrl: target.endpoint,
      contractVersion: target.contractVersion,
      locale: target.locale,
      authorization: target.authorization,
      clock: deps.clock,
    });

  /** `id`: the row's id when it records an outbox item's attempt (attempt-row-id.ts). */
  const record = (
    exchange: MpsdExchange,
    target: SendTarget,
    labels: Record<string, string> | undefined,
    attempts?: readonly OutboxAttempt[],
    id?: string,
  ) => {
    const label = exchange.invitedXuid === undefined ? undefined : labels?.[exchange.invitedXuid];
    try {
      const entry = historyEntryFromExchange(
        exchange,
        label === undefined ? target.sender : { ...target.sender, recipientLabel: label },
        attempts,
      );
      if (id !== undefined) entry.id = id;
      deps.history.append(entry);
    } catch (thrown) {
      throw asStorageError(thrown, { what: 'history database', path: deps.history.path });
    }
  };

  const queue = (profileId: string, wires: readonly WireRequest[], labels: Record<string, string> | undefined) =>
    deps.outbox.enqueue(outboxItemsFor(profileId, wires, labels), { origin: 'queued' });

  async function run(
    runId: string,
    target: SendTarget & { profileId?: string },
    request: HandleRequest,
    labels: Record<string, string> | undefined,
    queueIfUnavailable: boolean,
  ): Promise<SendResult> {
    const profileId = target.canQueue ? target.profileId : undefined;
    const canQueue = queueIfUnavailable && profileId !== undefined && QUEUEABLE_KINDS.has(request.kind);

    // No usable token: nothing can go out now, so do not even try the network.
    let authorization: string;
    try {
      authorization = await target.authorization.current();
    } catch (thrown) {
      const error = toAppError(thrown);
      if (canQueue && NOT_SENT_NOW.has(error.code)) {
        await refuseHeldTokenInFields(request, target.authorization, 'MPSD', error);
        return queued(runId, profileId, request, labels, error);
      }
      return { runId, outcome: 'failed', exchanges: [], queued: 0, error };
    }
    // Invites are journaled, with or without a profile (ad-hoc-sender.ts), so a kill mid-send leaves the one in flight on record.
    const journaled = request.kind === 'invite.send';
    // A send that may be journaled or queued: its fields are checked for the token before either (token-in-fields.ts).
    if (profileId !== undefined || journaled) refuseTokenInFields(request, authorization, 'MPSD');

    if (running.has(runId)) throw new HandleStudioError('CONFLICT', 'A send with this run id is already running.');
    const controller = new AbortController();
    running.set(runId, controller);
    const { warnings, keep } = storageWarnings('MPSD');
    // Each exchange is written to history the moment it lands, not after the whole send: a
    // crash or a kill later in a fan-out must not lose what MPSD already did.
    const recorded = new Set<MpsdExchange>();
    const recording = (inner: MpsdClient, journal: InviteJournal | null): MpsdClient => ({
      async send(wire, options) {
        const exchange = await inner.send(wire, options);
        const id = journal?.historyIdOf(exchange.invitedXuid);
        if (keep('History', () => record(exchange, target, labels, undefined, id))) recorded.add(exchange);
        return exchange;
      },
    });
    try {
      const journal = journaled
        ? openInviteJournal({
            outbox: deps.outbox,
            profileId: profileId ?? AD_HOC_SENDER.profileId,
            wires: buildWireRequests(request),
            labels,
            target,
            keep,
          })
        : null;
      const client = recording(clientFor(target), journal);
      const outcome = await performRequest(request, {
        client: journal ? journal.guard(client) : client,
        budget: budgetFor(target.budgetKey ?? target.sender.profileId),
        // One after another in input order, as Microsoft's client sends invites: MPSD's budget
        // (2 a second sustained) is the limit anyway, and each invitee's result arrives in order.
        concurrency: 1,
        signal: controller.signal,
        onProgress: ({ done, total, last }) => deps.onProgress({ runId, done, total, last: inviteeResult(last, labels) }),
      });
      const invitees = outcome.invitees?.map((invitee) => inviteeResult(invitee, labels));
      let queuedCount = 0;
      if (journal && invitees) {
        const delivered = outcome.exchanges.filter((exchange) => exchange.error === undefined);
        const unrecorded = new Set(delivered.filter((exchange) => !recorded.has(exchange)).map((exchange) => exchange.invitedXuid));
        queuedCount = journal.close(invitees, canQueue, unrecorded);
      } else if (
        canQueue &&
        outcome.exchanges.length > 0 &&
        outcome.exchanges.every((exchange) => exchange.error !== undefined && NOT_SENT_NOW.has(exchange.error.code))
      ) {
        // A single call MPSD did not act on (it never left this machine, or its token was refused: 401) waits in the outbox instead.
        keep('The outbox', () => {
          queuedCount = queue(profileId, buildWireRequests(request), labels).length;
        });
      }
      const allQueued = queuedCount > 0 && queuedCount === (invitees?.length ?? 1);
      return {
        runId,
        outcome: controller.signal.aborted ? 'cancelled' : allQueued ? 'queued' : outcome.error ? 'failed' : 'completed',
        exchanges: outcome.exchanges,
        ...(invitees ? { invitees } : {}),
        queued: queuedCount,
        ...(outcome.error ? { error: queuedCount > 0 ? queuedBecause(outcome.error) : outcome.error } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    } finally {
      running.delete(runId);
    }
  }

  function queued(
    runId: string,
    profileId: string | undefined,
    request: HandleRequest,
    labels: Record<string, string> | undefined,
    why: AppError,
  ): SendResult {
    const wires = buildWireRequests(request);
    queue(profileId!, wires, labels);
    const invitees: InviteeResult[] | undefined =
      request.kind === 'invite.send'
        ? request.invitedXuids.map((xuid) => ({
            invitedXuid: xuid,
            state: 'queued' as const,
            ...(labels?.[xuid] ? { label: labels[xuid] } : {}),
          }))
        : undefined;
    return { runId, outcome: 'queued', exchanges: [], ...(invitees ? { invitees } : {}), queued: wires.length, error: queuedBecause(why) };
  }

  const deliver: Deliver = async (item, signal) => {
    // One outbox holds both services' calls; MPA's go to MPA's client, with its own pacing and history words.
    if (isMpaKind(item.kind)) {
      return deps.deliverMpa
        ? deps.deliverMpa(item, signal)
        : {
            result: 'retry-later',
            paused: true,
            error: { code: 'INTERNAL', message: 'This Handle Studio process cannot send MPA calls; the app sends it.' },
          };
    }
    const checked = await waitingBeforeDelivery(item, () => deps.targetForProfile(item.profileId));
    if ('waiting' in checked) return checked.waiting;
    const target = checked.ready;
    const exchange = await clientFor(target).send(item.request as WireRequest, { budget: budgetFor(target.sender.profileId), signal });
    const outcome = deliveryOutcomeOf(exchange);
    // One history row per outcome, with the attempts that sent it back to the queue listed in
    // it: a retry is not a new request, and attempts that never left the machine are not history.
    if (outcome.result !== 'retry-later') {
      try {
        record(
          exchange,
          target,
          item.label === undefined || item.invitedXuid === undefined ? undefined : { [item.invitedXuid]: item.label },
          item.attemptLog,
          attemptRowId(item.id, item.attempts),
        );
      } catch {
        // History could not be written: the outbox item itself keeps the outcome, handle id and
        // correlation id, and a failed history write must not turn a delivered invite into "unknown".
      }
    }
    return outcome;
  };

  return {
    async send(input) {
      const target = deps.targetForProfile(input.profileId);
      return run(input.runId, target, input.request, input.recipientLabels, input.queueIfUnavailable ?? true);
    },
    sendTo(target, input) {
      return run(input.runId ?? randomUUID(), target, input.request, input.recipientLabels, false);
    },
    cancel(runId) {
      const controller = running.get(runId);
      controller?.abort();
      return controller !== undefined;
    },
    deliver,
  };
}

function inviteeResult(
  result: { invitedXuid: string; state: InviteeResult['state']; handleId?: string; exchange?: MpsdExchange; error?: AppError },
  labels: Record<string, string> | undefined,
): InviteeResult {
  const label = labels?.[result.invitedXuid];
  return {
    invitedXuid: result.invitedXuid,
    state: result.state,
    ...(label ? { label } : {}),
    ...(result.handleId ? { handleId: result.handleId } : {}),
    ...(result.exchange?.correlationId ? { correlationId: result.exchange.correlationId } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}
