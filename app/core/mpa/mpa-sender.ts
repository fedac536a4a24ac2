/**
 * MPA for the front doors: as a profile (its stored token; its endpoint names the MPA, see
 * mpaBaseUrlFor) or, from the CLI, with XBL_AUTHORIZATION against an endpoint. Whose budget a
 * call spends is the profile's id, or a digest of the header's user hash (never the token).
 *
 * Like MPSD's send path (requests/send-service.ts): every call that went out is in history the
 * moment it lands (an invite call is ONE entry naming each invitee); a profile's write that
 * cannot go out now (offline, no usable token) waits in the outbox as ONE item; an invite call
 * is journaled there while it is in flight, so a crash never sends it twice (mpa-journal.ts).
 */
import { HandleStudioError, type AppError } from '../../shared/errors.ts';
import type { MpaKind, MpaRequest } from '../../shared/mpa/requests.ts';
import { mpaBaseUrlFor, parseMpaRequest, type MpaWire } from '../../shared/mpa/wire.ts';
import { historyEntryFromExchange, type HistorySender } from '../history/history-entry.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { Deliver, DeliveryOutcome, OutboxStore } from '../outbox/outbox-store.ts';
import type { OutboxAttempt } from '../../shared/contract/outbox.ts';
import type { AuthorizationSource, Clock, FetchLike } from '../ports.ts';
import { deliveryOutcomeOf, NOT_SENT_NOW, queuedBecause, storageWarnings, waitingBeforeDelivery } from '../requests/delivery-outcome.ts';
import { openMpaInviteJournal } from '../requests/mpa-journal.ts';
import { refuseTokenBeforeOutbox } from '../requests/token-in-fields.ts';
import { attemptRowId } from '../outbox/attempt-row-id.ts';
import { AD_HOC_SENDER } from '../outbox/ad-hoc-sender.ts';
import { asStorageError } from '../storage/storage-errors.ts';
import type { MpaExchange } from './client.ts';
import type { MpaBudgets } from './mpa-budgets.ts';
import { createMpaService, mpaResultOf, titleOfWire, type MpaResult, type MpaTarget } from './mpa-service.ts';

export type MpaSend =
  | {
      request: unknown;
      profileId?: string;
      signal?: AbortSignal;
      /**
       * A write (activity set/delete, invite, recent players) that cannot go out now (offline,
       * no usable token) waits in the outbox instead of failing. Default true; without a
       * profile (the variant below) nothing queues, since the outbox must know who sends it later.
       */
      queueIfUnavailable?: boolean;
    }
  | { request: unknown; endpoint: string; authorization: AuthorizationSource; signal?: AbortSignal };

/** A profile as MPA calls need it: who sends (budget, history) and with which token. */
export interface MpaProfile {
  id: string;
  name: string;
  sandbox: string;
  /** The profile's MPSD endpoint; MPA's is derived from it (mpaBaseUrlFor). */
  endpoint: string;
  authorization: AuthorizationSource;
}

export interface MpaSenderDeps {
  fetch: FetchLike;
  clock: Clock;
  budgets: MpaBudgets;
  history: HistoryStore;
  outbox: OutboxStore;
  /** The profile (the active one when undefined). */
  profile(profileId: string | undefined): MpaProfile | undefined;
  /** The budget key of a sender without a profile. */
  adHocSender(authorization: AuthorizationSource): Promise<string>;
}

export interface MpaSender {
  send(send: MpaSend): Promise<MpaResult>;
  /** Sends one queued MPA outbox item (the send service's `deliver` hands MPA items here). */
  deliver: Deliver;
}

/** Reads are pointless to replay later; these writes wait in the outbox when they cannot go out now. */
export const QUEUEABLE_MPA_KINDS: ReadonlySet<MpaKind> = new Set([
  'mpa.activity.set',
  'mpa.activity.delete',
  'mpa.invite.send',
  'mpa.recentPlayers.update',
]);

/** Who a sender without a profile is in history (as MPSD's ad-hoc sends are). */

/** The invitees a laid-out invite call names (its body's invitedUsers). */
export function inviteesOfWire(wire: MpaWire): string[] | undefined {
  if (wire.kind !== 'mpa.invite.send') return undefined;
  const listed = (wire.body as { invitedUsers?: unknown } | undefined)?.invitedUsers;
  return Array.isArray(listed) ? listed.filter((xuid): xuid is string => typeof xuid === 'string') : undefined;
}

/** The sequence number a laid-out activity write carries, if it is one. */
function sequenceOfWire(wire: MpaWire): number | undefined {
  if (wire.kind !== 'mpa.activity.set' && wire.kind !== 'mpa.activity.delete') return undefined;
  const sequence = (wire.body as { sequenceNumber?: unknown } | undefined)?.sequenceNumber;
  return typeof sequence === 'number' ? sequence : undefined;
}

export function createMpaSender(deps: MpaSenderDeps): MpaSender {
  const service = createMpaService(deps);

  /** `id`: the row's id when it records an outbox item's attempt (attempt-row-id.ts). */
  const record = (exchange: MpaExchange, wire: MpaWire, sender: HistorySender, attempts?: readonly OutboxAttempt[], id?: string) => {
    const invitees = inviteesOfWire(wire);
    try {
      deps.history.append({
        ...historyEntryFromExchange(exchange, sender, attempts),
        ...(invitees ? { invitedXuids: invitees } : {}),
        ...(id === undefined ? {} : { id }),
      });
    } catch (thrown) {
      throw asStorageError(thrown, { what: 'history database', path: deps.history.path });
    }
  };

  const resolve = (profileId: string | undefined): MpaProfile => {
    const profile = deps.profile(profileId);
    if (profile === undefined) {
      throw new HandleStudioError(
        profileId === undefined ? 'NO_CREDENTIALS' : 'NOT_FOUND',
        profileId === undefined
          ? 'No profile is active: add one in Profiles (or with `handle-studio profile add`) first.'
          : 'That profile no longer exists: pick another one.',
      );
    }
    return profile;
  };

  /** The call waits in the outbox: the result says so, for the call and each invitee. */
  const markQueued = (result: MpaResult, why: AppError): void => {
    result.queued = 1;
    result.error = queuedBecause(why);
    if (result.invitees) result.invitees = result.invitees.map(({ xuid }) => ({ xuid, outcome: 'queued' }));
  };

  async function sendOnce(
    target: MpaTarget,
    sender: HistorySender,
    request: MpaRequest,
    /** The journal's owner (a profile, or the ad-hoc marker) and whether a write that cannot go out now waits in the outbox. */
    queueing: { profileId: string; queueIfUnavailable: boolean } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<MpaResult> {
    // An invite call is journaled before it leaves, and a profile's write may be queued: the fields are checked for the token before either (token-in-fields.ts).
    const mayWrite =
      queueing !== undefined &&
      (request.kind === 'mpa.invite.send' || (queueing.queueIfUnavailable && QUEUEABLE_MPA_KINDS.has(request.kind)));
    if (mayWrite) await refuseTokenBeforeOutbox(request, target.authorization, 'MPA');
    const wire = service.wireFor(target, request);
    const { warnings, keep } = storageWarnings('MPA');
    const journal =
      request.kind === 'mpa.invite.send' && queueing !== undefined
        ? openMpaInviteJournal({ outbox: deps.outbox, profileId: queueing.profileId, wire, baseUrl: target.baseUrl, keep })
        : null;
    const exchange = await service.call(target, wire, {
      ...(signal === undefined ? {} : { signal }),
      ...(journal ? { wrap: (client) => journal.guard(client) } : {}),
    });
    // What never left this machine (no usable token, cancelled first) is not history, as for MPSD.
    const recorded = exchange.attempts > 0 ? keep('History', () => record(exchange, wire, sender, undefined, journal?.historyId)) : true;
    const result = mpaResultOf(request, exchange);
    const why = exchange.error;
    const queueFor = queueing?.queueIfUnavailable === true && QUEUEABLE_MPA_KINDS.has(request.kind) ? queueing.profileId : undefined;
    if (journal) {
      if (journal.close(exchange, queueFor !== undefined, recorded) && why) markQueued(result, why);
    } else if (queueFor !== undefined && why && NOT_SENT_NOW.has(why.code)) {
      keep('The outbox', () => {
        deps.outbox.enqueue([{ profileId: queueFor, kind: wire.kind, request: wire }], { origin: 'queued' });
        markQueued(result, why);
      });
    }
    if (warnings.length > 0) result.warnings = warnings;
    return result;
  }

  /**
   * A queued activity set or delete carries the sequence number of when it was asked for, not
   * of when it is delivered. mpa.md: MPA wants the number to grow with every write of the
   * activity and (inferred, what the local MPA does) refuses a stale or equal one. A number taken
   * at delivery would let an old queued write overwrite a newer activity set since; the number
   * of the request's own time makes the later real write win: here, when this process has
   * already sent a later one, the item fails without a call; otherwise MPA refuses it as stale
   * if a later write reached it from elsewhere (another process, device or restart).
   */
  const supersededOutcome = (profileId: string, wire: MpaWire): DeliveryOutcome | undefined => {
    const sequence = sequenceOfWire(wire);
    const later = sequence === undefined ? undefined : service.laterSequence(profileId, titleOfWire(wire), sequence);
    if (later === undefined) return undefined;
    return {
      result: 'failed',
      error: {
        code: 'CONFLICT',
        message: `Not sent: a later activity write for this title (sequence number ${later}) went out after this one was queued (${sequence}); sending it now would undo that newer write.`,
      },
    };
  };

  const deliver: Deliver = async (item, signal) => {
    const checked = await waitingBeforeDelivery(item, () => resolve(item.profileId));
    if ('waiting' in checked) return checked.waiting;
    const profile = checked.ready;
    // The outbox validated it against the stored-wire schema (a discriminated union on kind) before handing it over.
    const wire = item.request as MpaWire;
    const superseded = supersededOutcome(profile.id, wire);
    if (superseded) return superseded;
    const target = { sender: profile.id, baseUrl: mpaBaseUrlFor(profile.endpoint), authorization: profile.authorization };
    const exchange = await service.call(target, wire, { signal });
    const outcome = deliveryOutcomeOf(exchange);
    // One history row per outcome, the attempts that sent it back to the queue listed in it (as MPSD's deliver).
    if (outcome.result !== 'retry-later') {
      try {
        const sender = { profileId: profile.id, profileName: profile.name, sandbox: profile.sandbox };
        record(exchange, wire, sender, item.attemptLog, attemptRowId(item.id, item.attempts));
      } catch {
        // The outbox item keeps the outcome; a failed history write must not turn a delivered call into "unknown".
      }
    }
    return outcome;
  };

  return {
    async send(send) {
      const request = parseMpaRequest(send.request);
      if ('endpoint' in send) {
        const target = {
          sender: await deps.adHocSender(send.authorization),
          baseUrl: mpaBaseUrlFor(send.endpoint),
          authorization: send.authorization,
        };
        // Journaled under the ad-hoc marker like an MPSD invite without a profile, so a kill with the
        // call in flight leaves it outcome unknown instead of nowhere; nothing of it is ever queued.
        return sendOnce(target, AD_HOC_SENDER, request, { profileId: AD_HOC_SENDER.profileId, queueIfUnavailable: false }, send.signal);
      }
      const profile = resolve(send.profileId);
      return sendOnce(
        { sender: profile.id, baseUrl: mpaBaseUrlFor(profile.endpoint), authorization: profile.authorization },
        { profileId: profile.id, profileName: profile.name, sandbox: profile.sandbox },
        request,
        { profileId: profile.id, queueIfUnavailable: send.queueIfUnavailable ?? true },
        send.signal,
      );
    },
    deliver,
  };
}
