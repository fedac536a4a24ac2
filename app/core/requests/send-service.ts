/**
 * Sending: what the Compose screen, one-click preset invites, history's "resend", the outbox
 * and the CLI all go through. A send resolves the profile, paces calls through that user's
 * rate budget, records every exchange in history as it lands, and, when the caller asked for
 * it and the request cannot go out now (offline, no valid token), puts its wire requests in
 * the outbox instead of failing.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { SendResult, InviteeResult, requestChannels } from '../../shared/contract/requests.ts';
import type { Profile } from '../../shared/contract/profiles.ts';
import { HandleStudioError, toAppError, type AppError, type ErrorCode } from '../../shared/errors.ts';
import { buildWireRequests } from '../../shared/mpsd/builders.ts';
import { previewRequest } from '../../shared/mpsd/http-export.ts';
import type { HandleRequest } from '../../shared/mpsd/requests.ts';
import type { MpsdExchange, RequestKind, WireRequest } from '../../shared/mpsd/wire.ts';
import { historyEntryFromExchange, type HistorySender } from '../history/history-entry.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { createMpsdClient, type MpsdClient } from '../mpsd/client.ts';
import { performRequest } from '../mpsd/operations.ts';
import { createRateBudget, type RateBudget } from '../mpsd/rate-budget.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import type { Deliver, DeliveryOutcome, OutboxStore } from '../outbox/outbox-store.ts';
import type { OutboxAttempt } from '../../shared/contract/outbox.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';

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
  /** A sending user's rate budget, shared with the other processes of the data folder; default: one per user in this process. */
  rateBudgetFor?(key: string): RateBudget;
}

/** Reads are pointless to replay later; these kinds are queued when they cannot go out now. */
const QUEUEABLE_KINDS: ReadonlySet<RequestKind> = new Set(['activity.set', 'invite.send', 'handle.delete', 'session.join', 'session.leave']);
/** Nothing went out and it will work later: no network, or no usable token yet. */
const NOT_SENT_NOW: ReadonlySet<ErrorCode> = new Set(['OFFLINE', 'NO_CREDENTIALS', 'TOKEN_EXPIRED', 'KEYCHAIN_UNAVAILABLE']);
/**
 * For a queued item: the user must act first (a token, a renewed or accepted token, the
 * keychain), so waiting costs nothing and backing off would only delay the send once they have.
 * UNAUTHORIZED is a token MPSD refused (401: it did not process the call, so resending is safe).
 */
const WAITS_FOR_USER: ReadonlySet<ErrorCode> = new Set(['NO_CREDENTIALS', 'TOKEN_EXPIRED', 'KEYCHAIN_UNAVAILABLE', 'UNAUTHORIZED', 'CANCELLED']);
/** MPSD did not do it and a later attempt may work: the item backs off and tries again. */
const RETRY_WITH_BACKOFF: ReadonlySet<ErrorCode> = new Set(['OFFLINE', 'THROTTLED', 'SERVICE_UNAVAILABLE', 'TIMEOUT']);

export interface SendService {
  send(input: SendInput): Promise<SendResult>;
  /** For the CLI without a profile: same pipeline, no outbox. */
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

  const record = (exchange: MpsdExchange, target: SendTarget, labels: Record<string, string> | undefined, attempts?: readonly OutboxAttempt[]) => {
    const label = exchange.invitedXuid === undefined ? undefined : labels?.[exchange.invitedXuid];
    try {
      deps.history.append(historyEntryFromExchange(exchange, label === undefined ? target.sender : { ...target.sender, recipientLabel: label }, attempts));
    } catch (thrown) {
      throw asStorageError(thrown, { what: 'history database', path: deps.history.path });
    }
  };

  const queue = (profileId: string, wires: readonly WireRequest[], labels: Record<string, string> | undefined, origin: 'queued' | 'live' = 'queued') =>
    deps.outbox.enqueue(
      wires.map((wire) => ({
        profileId,
        kind: wire.kind,
        request: wire,
        ...(wire.invitedXuid === undefined ? {} : { invitedXuid: wire.invitedXuid }),
        ...(wire.invitedXuid !== undefined && labels?.[wire.invitedXuid] !== undefined ? { label: labels[wire.invitedXuid] } : {}),
      })),
      { origin },
    );

  async function run(runId: string, target: SendTarget & { profileId?: string }, request: HandleRequest, labels: Record<string, string> | undefined, queueIfUnavailable: boolean): Promise<SendResult> {
    const profileId = target.canQueue ? target.profileId : undefined;
    const canQueue = queueIfUnavailable && profileId !== undefined && QUEUEABLE_KINDS.has(request.kind);

    // No usable token: nothing can go out now, so do not even try the network.
    try {
      await target.authorization.current();
    } catch (thrown) {
      const error = toAppError(thrown);
      if (canQueue && NOT_SENT_NOW.has(error.code)) return queued(runId, profileId, request, labels, error);
      return { runId, outcome: 'failed', exchanges: [], queued: 0, error };
    }

    if (running.has(runId)) throw new HandleStudioError('CONFLICT', 'A send with this run id is already running.');
    const controller = new AbortController();
    running.set(runId, controller);
    // Once something went out, a failing disk must not swallow the answers: what could not be
    // written (history, the outbox journal) becomes a warning next to them instead.
    const warnings: AppError[] = [];
    const keep = (what: string, work: () => void): boolean => {
      try {
        work();
        return true;
      } catch (thrown) {
        const message = `${what} could not be written (${toAppError(thrown).message}). The answers below are what MPSD said; note them before closing this.`;
        if (!warnings.some((warning) => warning.message === message)) warnings.push({ code: 'STORAGE', message });
        return false;
      }
    };
    // Each exchange is written to history the moment it lands, not after the whole send: a
    // crash or a kill later in a fan-out must not lose what MPSD already did.
    const recorded = new Set<MpsdExchange>();
    const recording = (inner: MpsdClient): MpsdClient => ({
      async send(wire, options) {
        const exchange = await inner.send(wire, options);
        if (keep('History', () => record(exchange, target, labels))) recorded.add(exchange);
        return exchange;
      },
    });
    try {
      const journal = request.kind === 'invite.send' && profileId !== undefined ? openInviteJournal(profileId, request, labels, target, keep) : null;
      const client = recording(clientFor(target));
      const outcome = await performRequest(request, {
        client: journal ? journal.wrap(client) : client,
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
      } else if (canQueue && outcome.exchanges.length > 0 && outcome.exchanges.every((exchange) => exchange.error?.code === 'OFFLINE')) {
        // A single call that never left this machine waits in the outbox instead.
        keep('The outbox', () => {
          queuedCount = queue(profileId!, buildWireRequests(request), labels).length;
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

  /**
   * Invites are journaled in the outbox before they go out, one 'live' item per invitee owned
   * by this process: each is durably marked 'sending' right before its POST and settled right
   * after. If Handle Studio is killed mid fan-out, the next process to open the outbox finds
   * the owner gone: the invite in flight becomes "outcome unknown" and those never attempted
   * are dropped (a live item is never sent by a flush), so each invite is sent at most once
   * and nothing goes out later that the user did not queue. Afterwards the journal is tidied:
   * what was answered and is in history leaves the outbox, unknown outcomes stay for the user
   * to decide, and what could not go out now becomes an ordinary queued item only when the
   * user asked for that.
   */
  function openInviteJournal(
    profileId: string,
    request: HandleRequest,
    labels: Record<string, string> | undefined,
    target: SendTarget,
    keep: (what: string, work: () => void) => boolean,
  ) {
    let items;
    try {
      items = queue(profileId, buildWireRequests(request), labels, 'live');
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.code === 'VALIDATION') throw thrown;
      throw new HandleStudioError(
        'STORAGE',
        `Nothing was sent: the outbox journal that keeps a crash from sending an invite twice could not be written (${error.message}). Free some disk space or check the data folder, then send again.`,
      );
    }
    const itemFor = new Map(items.map((item) => [item.invitedXuid!, item.id]));
    return {
      wrap(inner: MpsdClient): MpsdClient {
        return {
          async send(wire, options) {
            const id = itemFor.get(wire.invitedXuid!)!;
            let claimed;
            try {
              claimed = deps.outbox.claim(id);
            } catch (thrown) {
              // Without the durable mark a crash could send it twice, so it does not go out.
              return notSent(wire, target, {
                code: 'STORAGE',
                message: `The outbox journal could not be written, so this invite was not sent (without the journal a crash could send it twice): ${toAppError(thrown).message}`,
              });
            }
            if (claimed === null) {
              return notSent(wire, target, { code: 'CANCELLED', message: 'Not sent here: this invite\'s journal entry was changed by another Handle Studio process. See the Outbox for its state.' });
            }
            const exchange = await inner.send(wire, options);
            keep('The outbox journal', () => deps.outbox.settle(id, deliveryOutcomeOf(exchange)));
            return exchange;
          },
        };
      },
      /** `unrecorded`: delivered invites history could not keep; their journal item stays as the record. */
      close(invitees: InviteeResult[], keepUnsent: boolean, unrecorded: ReadonlySet<string | undefined>): number {
        let kept = 0;
        for (const invitee of invitees) {
          const id = itemFor.get(invitee.invitedXuid)!;
          keep('The outbox journal', () => {
            const { state } = deps.outbox.get(id);
            if (state === 'outcome-unknown' || state === 'sending' || unrecorded.has(invitee.invitedXuid)) return;
            const notSentYet = state === 'queued' && (invitee.error === undefined || NOT_SENT_NOW.has(invitee.error.code));
            if (notSentYet && keepUnsent) {
              deps.outbox.keepQueued(id);
              invitee.state = 'queued';
              kept += 1;
            } else {
              deps.outbox.dismiss(id);
            }
          });
        }
        return kept;
      },
    };
  }

  function queued(runId: string, profileId: string | undefined, request: HandleRequest, labels: Record<string, string> | undefined, why: AppError): SendResult {
    const wires = buildWireRequests(request);
    queue(profileId!, wires, labels);
    const invitees: InviteeResult[] | undefined =
      request.kind === 'invite.send'
        ? request.invitedXuids.map((xuid) => ({ invitedXuid: xuid, state: 'queued' as const, ...(labels?.[xuid] ? { label: labels[xuid] } : {}) }))
        : undefined;
    return { runId, outcome: 'queued', exchanges: [], ...(invitees ? { invitees } : {}), queued: wires.length, error: queuedBecause(why) };
  }

  const deliver: Deliver = async (item, signal) => {
    let target: SendTarget & { profileId: string };
    try {
      target = deps.targetForProfile(item.profileId);
    } catch (thrown) {
      // Deleted, or profiles.json could not be read: the item waits for its profile (restored
      // from a backup, or the file repaired) instead of failing for good. Nothing went out.
      const error = toAppError(thrown);
      return {
        result: 'retry-later',
        paused: true,
        error: { code: error.code, message: `Waiting for its profile (${item.profileId}): ${error.message} It goes out once the profile is back; dismiss it if it should not.` },
      };
    }
    try {
      await target.authorization.current();
    } catch (thrown) {
      // No token, an expired or refused one, no keychain: no network call until the user fixes it.
      const error = toAppError(thrown);
      return { result: 'retry-later', paused: true, error: { code: error.code, message: error.message } };
    }
    const exchange = await clientFor(target).send(item.request as WireRequest, { budget: budgetFor(target.sender.profileId), signal });
    const outcome = deliveryOutcomeOf(exchange);
    // One history row per outcome, with the attempts that sent it back to the queue listed in
    // it: a retry is not a new request, and attempts that never left the machine are not history.
    if (outcome.result !== 'retry-later') {
      try {
        record(exchange, target, item.label === undefined || item.invitedXuid === undefined ? undefined : { [item.invitedXuid]: item.label }, item.attemptLog);
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

/** What one exchange means for an outbox item: delivered, refused, not done yet (safe to send again), or unknown. */
export function deliveryOutcomeOf(exchange: MpsdExchange): DeliveryOutcome {
  const correlation = exchange.correlationId === undefined ? {} : { correlationId: exchange.correlationId };
  if (exchange.error === undefined) return { result: 'sent', ...(exchange.handleId ? { handleId: exchange.handleId } : {}), ...correlation };
  const error = { code: exchange.error.code, message: exchange.error.message };
  const status = exchange.response === undefined ? {} : { status: exchange.response.status };
  if (error.code === 'OUTCOME_UNKNOWN') return { result: 'outcome-unknown', error, ...correlation };
  if (WAITS_FOR_USER.has(error.code)) return { result: 'retry-later', paused: true, error, ...status };
  if (RETRY_WITH_BACKOFF.has(error.code)) {
    // A long Retry-After is not waited out (the client says when MPSD asked to be called again): the item waits in the queue until then.
    const retryAt = exchange.error.details?.['retryAt'];
    return { result: 'retry-later', error, ...status, ...(typeof retryAt === 'string' && !Number.isNaN(Date.parse(retryAt)) ? { retryAt: new Date(retryAt).toISOString() } : {}) };
  }
  return { result: 'failed', error, ...correlation };
}

function inviteeResult(result: { invitedXuid: string; state: InviteeResult['state']; handleId?: string; exchange?: MpsdExchange; error?: AppError }, labels: Record<string, string> | undefined): InviteeResult {
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

function queuedBecause(error: AppError): AppError {
  return { code: error.code, message: `${error.message} Queued in the outbox: it will be sent when the network and a valid token are back.` };
}

/** The exchange for an invite that was not handed to the network, saying why. */
function notSent(wire: WireRequest, target: SendTarget, error: AppError): MpsdExchange {
  return {
    kind: wire.kind,
    request: previewRequest(wire, target.endpoint, target.contractVersion, target.locale),
    ...(wire.sessionRef ? { sessionRef: wire.sessionRef } : {}),
    ...(wire.invitedXuid ? { invitedXuid: wire.invitedXuid } : {}),
    startedAt: new Date().toISOString(),
    durationMs: 0,
    error,
  };
}
