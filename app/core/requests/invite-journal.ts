/**
 * The invite journal: how a live fan-out of invites keeps "each invite is sent at most once"
 * across a crash. Before the first POST every invite is written to the outbox as a 'live' item
 * owned by this process; each is durably marked 'sending' right before its POST and settled
 * after its answer. The settle goes in the same commit as the next invite's claim (one commit
 * per invite instead of two), so an answer is on disk before the next invite leaves; after the
 * last one (or when no next claim comes) it is committed at the latest when the journal closes
 * or the event loop turns, whichever is first. A kill in between, in the microseconds from an
 * answer to the next claim, leaves that invite 'sending' with its owner gone: outcome unknown,
 * never sent again (its history row, written as the answer landed, says what happened).
 * If Handle Studio is killed mid fan-out, the next process to open the outbox finds
 * the owner gone: the invite in flight becomes "outcome unknown" and those never attempted are
 * dropped (a live item is never sent by a flush), so nothing goes out later that the user did
 * not queue. Closing the journal tidies it: what was answered and is in history leaves the
 * outbox, unknown outcomes stay for the user to decide, and what could not go out now becomes
 * an ordinary queued item only when the user asked for that.
 */
import type { OutboxItem } from '../../shared/contract/outbox.ts';
import type { InviteeResult } from '../../shared/contract/requests.ts';
import { HandleStudioError, toAppError, type AppError } from '../../shared/errors.ts';
import type { ContractVersion } from '../../shared/mpsd/ids.ts';
import { previewRequest } from '../../shared/mpsd/http-export.ts';
import type { MpsdExchange, WireRequest } from '../../shared/mpsd/wire.ts';
import type { MpsdClient } from '../mpsd/client.ts';
import type { DeliveryOutcome, NewOutboxItem, OutboxStore } from '../outbox/outbox-store.ts';
import { attemptRowId, LIVE_ATTEMPT } from '../outbox/attempt-row-id.ts';
import { deliveryOutcomeOf, NOT_SENT_NOW } from './delivery-outcome.ts';

/** Runs one write; false (and a warning kept by the caller) when the disk refused it. */
export type KeepWriting = (what: string, work: () => void) => boolean;

export interface InviteJournal {
  /** The client that journals each invite: 'sending' on disk before it leaves, its result after. */
  guard(inner: MpsdClient): MpsdClient;
  /** The History row id of an invitee's invite (attempt-row-id.ts): written as its answer lands, before its settle. */
  historyIdOf(xuid: string | undefined): string;
  /**
   * Tidies the journal once the fan-out is over; answers how many invites stay queued.
   * `unrecorded`: delivered invites history could not keep; their journal item stays as the record.
   */
  close(invitees: InviteeResult[], keepUnsent: boolean, unrecorded: ReadonlySet<string | undefined>): number;
}

export interface InviteJournalOptions {
  outbox: OutboxStore;
  profileId: string;
  /** The invite wires of the send, in the order they go out. */
  wires: readonly WireRequest[];
  labels: Record<string, string> | undefined;
  /** Where the invites go, for the exchange of one that was not handed to the network. */
  target: { endpoint: string; contractVersion: ContractVersion; locale: string };
  keep: KeepWriting;
}

/** The outbox items for a send's wire requests, each with its invitee's label. */
export function outboxItemsFor(
  profileId: string,
  wires: readonly WireRequest[],
  labels: Record<string, string> | undefined,
): NewOutboxItem[] {
  return wires.map((wire) => ({
    profileId,
    kind: wire.kind,
    request: wire,
    ...(wire.invitedXuid === undefined ? {} : { invitedXuid: wire.invitedXuid }),
    ...(wire.invitedXuid !== undefined && labels?.[wire.invitedXuid] !== undefined ? { label: labels[wire.invitedXuid] } : {}),
  }));
}

/**
 * Writes a live send's journal items (MPSD's invites here, an MPA invite call in mpa-journal.ts).
 * Throws STORAGE (nothing was sent) when they cannot be written: without them a crash could
 * send an invite twice.
 */
export function writeJournal(outbox: OutboxStore, items: readonly NewOutboxItem[]): OutboxItem[] {
  try {
    return outbox.enqueue(items, { origin: 'live' });
  } catch (thrown) {
    const error = toAppError(thrown);
    if (error.code === 'VALIDATION') throw thrown;
    throw new HandleStudioError(
      'STORAGE',
      `Nothing was sent: the outbox journal that keeps a crash from sending an invite twice could not be written (${error.message}). Free some disk space or check the data folder, then send again.`,
    );
  }
}

/** Writes the journal of a send's invites (see writeJournal). */
export function openInviteJournal({ outbox, profileId, wires, labels, target, keep }: InviteJournalOptions): InviteJournal {
  const items = writeJournal(outbox, outboxItemsFor(profileId, wires, labels));
  const itemFor = new Map(items.map((item) => [item.invitedXuid, item.id]));
  /** Every invite wire names its invitee, and the journal holds one item per invitee. */
  const idFor = (xuid: string | undefined): string => {
    const id = itemFor.get(xuid);
    if (id === undefined) throw new HandleStudioError('INTERNAL', `The invite journal has no entry for invitee ${xuid ?? '(none)'}.`);
    return id;
  };

  /** The exchange for an invite that was not handed to the network, saying why. */
  const notSent = (wire: WireRequest, error: AppError): MpsdExchange => ({
    kind: wire.kind,
    request: previewRequest(wire, target.endpoint, target.contractVersion, target.locale),
    ...(wire.sessionRef ? { sessionRef: wire.sessionRef } : {}),
    ...(wire.invitedXuid ? { invitedXuid: wire.invitedXuid } : {}),
    startedAt: new Date().toISOString(),
    durationMs: 0,
    error,
  });

  /** Answers not yet on disk: committed with the next claim, or by `settleAnswered` (see the top of this file). */
  let answered: { id: string; outcome: DeliveryOutcome }[] = [];
  const settle = (due: typeof answered): void => {
    for (const { id, outcome } of due) keep('The outbox journal', () => outbox.settle(id, outcome));
  };
  const settleAnswered = (): void => {
    const due = answered;
    answered = [];
    settle(due);
  };
  /** Claims `id`, committing the answers before it in the same write. */
  const claimAfterAnswers = (id: string): boolean => {
    const due = answered;
    answered = [];
    try {
      return outbox.together(() => {
        settle(due);
        return outbox.claim(id);
      });
    } catch (thrown) {
      // Rolled back with the claim: the answers are written (or reported) on their own.
      settle(due);
      throw thrown;
    }
  };

  return {
    guard(inner) {
      return {
        async send(wire, options) {
          const id = idFor(wire.invitedXuid);
          let claimed: boolean;
          try {
            claimed = claimAfterAnswers(id);
          } catch (thrown) {
            // Without the durable mark a crash could send it twice, so it does not go out.
            return notSent(wire, {
              code: 'STORAGE',
              message: `The outbox journal could not be written, so this invite was not sent (without the journal a crash could send it twice): ${toAppError(thrown).message}`,
            });
          }
          if (!claimed) {
            return notSent(wire, {
              code: 'CANCELLED',
              message:
                "Not sent here: this invite's journal entry was changed by another Handle Studio process. See the Outbox for its state.",
            });
          }
          const exchange = await inner.send(wire, options);
          if (answered.length === 0) setImmediate(settleAnswered);
          answered.push({ id, outcome: deliveryOutcomeOf(exchange) });
          return exchange;
        },
      };
    },

    historyIdOf: (xuid) => attemptRowId(idFor(xuid), LIVE_ATTEMPT),

    close(invitees, keepUnsent, unrecorded) {
      settleAnswered();
      let kept = 0;
      keep('The outbox journal', () => {
        // One read and one commit for the whole send, not one per invite.
        const states = outbox.statesOf(invitees.map((invitee) => idFor(invitee.invitedXuid)));
        const leaving: string[] = [];
        for (const invitee of invitees) {
          const id = idFor(invitee.invitedXuid);
          const state = states.get(id);
          if (state === undefined || state === 'outcome-unknown' || state === 'sending' || unrecorded.has(invitee.invitedXuid)) continue;
          const notSentYet = state === 'queued' && (invitee.error === undefined || NOT_SENT_NOW.has(invitee.error.code));
          if (notSentYet && keepUnsent) {
            outbox.keepQueued(id);
            invitee.state = 'queued';
            kept += 1;
          } else {
            leaving.push(id);
          }
        }
        outbox.dismissAll(leaving);
      });
      return kept;
    },
  };
}
