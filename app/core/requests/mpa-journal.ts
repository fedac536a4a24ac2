/**
 * Exactly once for an MPA invite. MPA invites up to 16 people in ONE call, so the call is ONE
 * outbox item, journaled as invite-journal.ts journals each MPSD invite: written 'live' (owned
 * by this process, never sent by a flush) before anything leaves, durably 'sending' right
 * before the call, settled right after the answer. If Handle Studio is killed mid-call, the
 * next process to open the outbox finds the owner gone and marks the item "outcome unknown":
 * the invitees may or may not have been invited, and only the user decides to send it again.
 */
import { HandleStudioError, toAppError, type AppError } from '../../shared/errors.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import type { MpaWire } from '../../shared/mpa/wire.ts';
import type { MpaClient, MpaExchange } from '../mpa/client.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { attemptRowId, LIVE_ATTEMPT } from '../outbox/attempt-row-id.ts';
import { deliveryOutcomeOf, NOT_SENT_NOW } from './delivery-outcome.ts';
import { writeJournal, type KeepWriting } from './invite-journal.ts';

export interface MpaInviteJournal {
  /** The client that journals the call: 'sending' on disk before it leaves, its result after. */
  guard(inner: MpaClient): MpaClient;
  /** The History row id of the call (attempt-row-id.ts), so the row is the item's one row whoever writes it. */
  readonly historyId: string;
  /**
   * Tidies the journal once the call is over; answers true when the call stays queued (it
   * could not go out now and the caller asked to queue). `recorded`: history kept the
   * exchange; when it could not, a delivered call's item stays as the record.
   */
  close(exchange: MpaExchange, keepUnsent: boolean, recorded: boolean): boolean;
}

export interface MpaInviteJournalOptions {
  outbox: OutboxStore;
  profileId: string;
  wire: MpaWire;
  /** Where the call goes (for the exchange of a call that was not handed to the network). */
  baseUrl: string;
  keep: KeepWriting;
}

/** Writes the journal of one MPA invite call (see writeJournal: STORAGE, nothing sent, when it cannot). */
export function openMpaInviteJournal({ outbox, profileId, wire, baseUrl, keep }: MpaInviteJournalOptions): MpaInviteJournal {
  const [item] = writeJournal(outbox, [{ profileId, kind: wire.kind, request: wire }]);
  if (item === undefined) throw new HandleStudioError('INTERNAL', 'The outbox added no journal entry for the invite call.');
  const id = item.id;

  /** The exchange of a call that was not handed to the network, saying why. */
  const notSent = (error: AppError): MpaExchange => ({
    kind: wire.kind,
    request: {
      method: wire.method,
      url: `${new URL(baseUrl).origin}${wire.path}`,
      headers: { Authorization: AUTHORIZATION_PLACEHOLDER },
      ...(wire.body === undefined ? {} : { body: JSON.stringify(wire.body) }),
    },
    startedAt: new Date().toISOString(),
    durationMs: 0,
    attempts: 0,
    error,
  });

  return {
    historyId: attemptRowId(id, LIVE_ATTEMPT),

    guard(inner) {
      return {
        async send(sent, options) {
          let claimed: boolean;
          try {
            claimed = outbox.claim(id);
          } catch (thrown) {
            // Without the durable mark a crash could send it twice, so it does not go out.
            return notSent({
              code: 'STORAGE',
              message: `The outbox journal could not be written, so this invite call was not sent (without the journal a crash could send it twice): ${toAppError(thrown).message}`,
            });
          }
          if (!claimed) {
            return notSent({
              code: 'CANCELLED',
              message:
                "Not sent here: this invite call's journal entry was changed by another Handle Studio process. See the Outbox for its state.",
            });
          }
          const exchange = await inner.send(sent, options);
          keep('The outbox journal', () => outbox.settle(id, deliveryOutcomeOf(exchange)));
          return exchange;
        },
      };
    },

    close(exchange, keepUnsent, recorded) {
      let kept = false;
      keep('The outbox journal', () => {
        const state = outbox.statesOf([id]).get(id);
        // Unknown (or still marked sending): the user decides. Delivered but not in history: the item is the record.
        if (state === undefined || state === 'outcome-unknown' || state === 'sending' || (state === 'sent' && !recorded)) return;
        const notSentYet = state === 'queued' && (exchange.error === undefined || NOT_SENT_NOW.has(exchange.error.code));
        if (notSentYet && keepUnsent) {
          outbox.keepQueued(id);
          kept = true;
        } else {
          outbox.dismissAll([id]);
        }
      });
      return kept;
    },
  };
}
