/**
 * Sending: what the Compose screen, one-click preset invites, history's "resend", the outbox
 * and the CLI all go through. A send resolves the profile, paces calls through that user's
 * rate budget, records every exchange in history, and, when the request cannot go out now
 * (offline, no valid token), puts its wire requests in the outbox instead of failing.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { SendResult, InviteeResult, requestChannels } from '../../shared/contract/requests.ts';
import type { Profile } from '../../shared/contract/profiles.ts';
import { HandleStudioError, toAppError, type AppError, type ErrorCode } from '../../shared/errors.ts';
import { buildWireRequests } from '../../shared/mpsd/builders.ts';
import type { HandleRequest } from '../../shared/mpsd/requests.ts';
import type { MpsdExchange, RequestKind, WireRequest } from '../../shared/mpsd/wire.ts';
import { historyEntryFromExchange, type HistorySender } from '../history/history-entry.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { createMpsdClient, type MpsdClient } from '../mpsd/client.ts';
import { performRequest } from '../mpsd/operations.ts';
import { createRateBudget, type RateBudget } from '../mpsd/rate-budget.ts';
import type { Deliver, OutboxStore } from '../outbox/outbox-store.ts';
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
}

export interface SendServiceDeps {
  fetch: FetchLike;
  clock: Clock;
  history: HistoryStore;
  outbox: OutboxStore;
  /** The target for a profile id (the active profile when undefined); throws NOT_FOUND / NO_CREDENTIALS. */
  targetForProfile(profileId: string | undefined): SendTarget & { profileId: string };
  onProgress(progress: { runId: string; done: number; total: number; last?: InviteeResult }): void;
}

/** Reads are pointless to replay later; these kinds are queued when they cannot go out now. */
const QUEUEABLE_KINDS: ReadonlySet<RequestKind> = new Set(['activity.set', 'invite.send', 'handle.delete', 'session.join', 'session.leave']);
/** Nothing went out and it will work later: no network, or no usable token yet. */
const NOT_SENT_NOW: ReadonlySet<ErrorCode> = new Set(['OFFLINE', 'NO_CREDENTIALS', 'TOKEN_EXPIRED', 'KEYCHAIN_UNAVAILABLE']);
/** After a profile was found unreachable, further outbox items wait this long before trying again. */
const UNAVAILABLE_MEMO_MS = 5_000;

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
  const unavailableUntil = new Map<string, number>();

  /** One budget per sending user, shared by every send, so two windows never double the rate. */
  const budgetFor = (key: string): RateBudget => {
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

  const record = (exchange: MpsdExchange, target: SendTarget, labels: Record<string, string> | undefined) => {
    const label = exchange.invitedXuid === undefined ? undefined : labels?.[exchange.invitedXuid];
    deps.history.append(historyEntryFromExchange(exchange, label === undefined ? target.sender : { ...target.sender, recipientLabel: label }));
  };

  const queue = (profileId: string, wires: readonly WireRequest[], labels: Record<string, string> | undefined) =>
    deps.outbox.enqueue(
      wires.map((wire) => ({
        profileId,
        kind: wire.kind,
        request: wire,
        ...(wire.invitedXuid === undefined ? {} : { invitedXuid: wire.invitedXuid }),
        ...(wire.invitedXuid !== undefined && labels?.[wire.invitedXuid] !== undefined ? { label: labels[wire.invitedXuid] } : {}),
      })),
    );

  async function run(runId: string, target: SendTarget & { profileId?: string }, request: HandleRequest, labels: Record<string, string> | undefined, queueIfUnavailable: boolean): Promise<SendResult> {
    const canQueue = queueIfUnavailable && target.canQueue && target.profileId !== undefined && QUEUEABLE_KINDS.has(request.kind);

    // No usable token: nothing can go out now, so do not even try the network.
    try {
      await target.authorization.current();
    } catch (thrown) {
      const error = toAppError(thrown);
      if (canQueue && NOT_SENT_NOW.has(error.code)) return queued(runId, target.profileId!, request, labels, error);
      return { runId, outcome: 'failed', exchanges: [], queued: 0, error };
    }

    if (running.has(runId)) throw new HandleStudioError('CONFLICT', 'A send with this run id is already running.');
    const controller = new AbortController();
    running.set(runId, controller);
    try {
      const outcome = await performRequest(request, {
        client: clientFor(target),
        budget: budgetFor(target.sender.profileId),
        signal: controller.signal,
        onProgress: ({ done, total, last }) => deps.onProgress({ runId, done, total, last: inviteeResult(last, labels) }),
      });
      for (const exchange of outcome.exchanges) record(exchange, target, labels);

      const invitees = outcome.invitees?.map((invitee) => inviteeResult(invitee, labels));
      // Invitees that never reached MPSD because the network was down go to the outbox, each once.
      const unsent = canQueue ? unsentWires(request, outcome.exchanges) : [];
      if (unsent.length > 0) {
        queue(target.profileId!, unsent, labels);
        const queuedXuids = new Set(unsent.map((wire) => wire.invitedXuid));
        for (const invitee of invitees ?? []) if (queuedXuids.has(invitee.invitedXuid)) invitee.state = 'queued';
      }
      const cancelled = controller.signal.aborted;
      return {
        runId,
        outcome: cancelled ? 'cancelled' : unsent.length > 0 && unsent.length === outcome.exchanges.length ? 'queued' : outcome.error ? 'failed' : 'completed',
        exchanges: outcome.exchanges,
        ...(invitees ? { invitees } : {}),
        queued: unsent.length,
        ...(outcome.error ? { error: unsent.length > 0 ? queuedBecause(outcome.error) : outcome.error } : {}),
      };
    } finally {
      running.delete(runId);
    }
  }

  function queued(runId: string, profileId: string, request: HandleRequest, labels: Record<string, string> | undefined, why: AppError): SendResult {
    const wires = buildWireRequests(request);
    queue(profileId, wires, labels);
    const invitees: InviteeResult[] | undefined =
      request.kind === 'invite.send'
        ? request.invitedXuids.map((xuid) => ({ invitedXuid: xuid, state: 'queued' as const, ...(labels?.[xuid] ? { label: labels[xuid] } : {}) }))
        : undefined;
    return { runId, outcome: 'queued', exchanges: [], ...(invitees ? { invitees } : {}), queued: wires.length, error: queuedBecause(why) };
  }

  const deliver: Deliver = async (item) => {
    const memo = unavailableUntil.get(item.profileId);
    if (memo !== undefined && memo > deps.clock.now()) {
      return { result: 'retry-later', error: { code: 'OFFLINE', message: 'Still unavailable; will try again shortly.' } };
    }
    let target: SendTarget & { profileId: string };
    try {
      target = deps.targetForProfile(item.profileId);
      await target.authorization.current();
    } catch (thrown) {
      const error = toAppError(thrown);
      if (NOT_SENT_NOW.has(error.code)) {
        unavailableUntil.set(item.profileId, deps.clock.now() + UNAVAILABLE_MEMO_MS);
        return { result: 'retry-later', error };
      }
      return { result: 'failed', error };
    }
    const wire = item.request as WireRequest;
    const exchange = await clientFor(target).send(wire, { budget: budgetFor(target.sender.profileId) });
    record(exchange, target, item.label === undefined || item.invitedXuid === undefined ? undefined : { [item.invitedXuid]: item.label });
    const correlation = exchange.correlationId === undefined ? {} : { correlationId: exchange.correlationId };
    if (exchange.error === undefined) {
      unavailableUntil.delete(item.profileId);
      return { result: 'sent', ...(exchange.handleId ? { handleId: exchange.handleId } : {}), ...correlation };
    }
    const error = { code: exchange.error.code, message: exchange.error.message };
    if (NOT_SENT_NOW.has(error.code)) {
      unavailableUntil.set(item.profileId, deps.clock.now() + UNAVAILABLE_MEMO_MS);
      return { result: 'retry-later', error };
    }
    if (error.code === 'OUTCOME_UNKNOWN') return { result: 'outcome-unknown', error, ...correlation };
    return { result: 'failed', error, ...correlation };
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

/** The wires whose exchange shows they never left this machine (OFFLINE), in request order. */
function unsentWires(request: HandleRequest, exchanges: readonly MpsdExchange[]): WireRequest[] {
  const offline = exchanges.filter((exchange) => exchange.error?.code === 'OFFLINE');
  if (offline.length === 0) return [];
  const wires = buildWireRequests(request);
  if (request.kind !== 'invite.send') return offline.length === exchanges.length ? wires : [];
  const offlineXuids = new Set(offline.map((exchange) => exchange.invitedXuid));
  return wires.filter((wire) => offlineXuids.has(wire.invitedXuid));
}

function queuedBecause(error: AppError): AppError {
  return { code: error.code, message: `${error.message} Queued in the outbox: it will be sent when the network and a valid token are back.` };
}
