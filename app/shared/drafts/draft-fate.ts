/**
 * What sending from a saved draft does to the draft, in words the user reads before pressing
 * Send and after the answer. A draft is changed only when the user says so: sending never
 * saves the form into it, and it is removed only when the user asked for that and everything
 * in it was delivered (a failed, cancelled or queued send keeps it, so nothing is lost).
 */
import type { SendResult } from '../contract/requests.ts';

export interface DraftSendChoice {
  /** The draft's name as saved. */
  name: string;
  /** The user ticked "remove the draft once it is sent". */
  removeWhenSent: boolean;
  /** The form differs from the saved draft. */
  unsavedChanges: boolean;
}

export interface DraftFate {
  /** Remove the draft now. */
  remove: boolean;
  /** One sentence: what happened to the draft and why. */
  words: string;
}

/** Before sending: the promise the Send button keeps. */
export function draftFateBeforeSend(choice: DraftSendChoice): string {
  const unsaved = choice.unsavedChanges ? ' Your changes since it was saved are sent, not saved into it (Update draft saves them).' : '';
  return choice.removeWhenSent
    ? `Draft “${choice.name}” is removed once everything in it is sent; if anything fails, is queued or is cancelled, it is kept.${unsaved}`
    : `Draft “${choice.name}” is kept as saved.${unsaved}`;
}

/** Why a send did not deliver everything, or undefined when it did. */
function undelivered(result: Pick<SendResult, 'outcome' | 'exchanges' | 'invitees' | 'queued'>): string | undefined {
  if (result.outcome === 'queued') return `it is queued in the outbox, not sent yet`;
  if (result.outcome === 'cancelled') return 'the send was cancelled';
  if (result.outcome === 'failed') return 'the send failed';
  if (result.queued > 0) return `${result.queued} request${result.queued === 1 ? ' is' : 's are'} still queued in the outbox`;
  if (result.invitees !== undefined) {
    const sent = result.invitees.filter((invitee) => invitee.state === 'sent').length;
    return sent === result.invitees.length ? undefined : `only ${sent} of ${result.invitees.length} invites went out`;
  }
  return result.exchanges.some((exchange) => exchange.error !== undefined) ? 'MPSD did not accept the request' : undefined;
}

/**
 * What an MPA send answered, as far as a draft's fate goes (core's MpaResult has these fields;
 * app/shared cannot name core's type). One call: queued, refused, unknown or done.
 */
export interface MpaSendOutcome {
  error?: { code: string } | undefined;
  /** 1 when the call waits in the outbox. */
  queued: number;
  invitees?: readonly { outcome: string }[] | undefined;
}

/** Why an MPA send did not deliver, or undefined when it did. */
function mpaUndelivered(result: MpaSendOutcome): string | undefined {
  if (result.queued > 0) return 'it is queued in the outbox, not sent yet';
  if (result.error?.code === 'OUTCOME_UNKNOWN') return 'MPA may or may not have taken the call (check History before sending again)';
  if (result.error !== undefined) return 'the send failed';
  const invitees = result.invitees ?? [];
  const invited = invitees.filter((invitee) => invitee.outcome === 'invited').length;
  return invited === invitees.length ? undefined : `only ${invited} of ${invitees.length} invitees were invited`;
}

/** After the answer: whether to remove the draft, and the sentence that says what became of it. */
export function draftFateAfterSend(
  choice: Pick<DraftSendChoice, 'name' | 'removeWhenSent'>,
  result: Pick<SendResult, 'outcome' | 'exchanges' | 'invitees' | 'queued'>,
): DraftFate {
  return fateOf(choice, undelivered(result));
}

/** The same for an MPA draft, after sendMpa answered. */
export function draftFateAfterMpaSend(choice: Pick<DraftSendChoice, 'name' | 'removeWhenSent'>, result: MpaSendOutcome): DraftFate {
  return fateOf(choice, mpaUndelivered(result));
}

function fateOf(choice: Pick<DraftSendChoice, 'name' | 'removeWhenSent'>, reason: string | undefined): DraftFate {
  if (!choice.removeWhenSent) return { remove: false, words: `Draft “${choice.name}” was kept as saved.` };
  return reason === undefined
    ? { remove: true, words: `Draft “${choice.name}” was removed: everything in it was sent.` }
    : { remove: false, words: `Draft “${choice.name}” was kept because ${reason}.` };
}
