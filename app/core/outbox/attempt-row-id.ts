/**
 * The History row id of one attempt at sending an outbox item: a live send's journaled invite
 * (its one attempt) or a flush's delivery. Every writer of that attempt's row uses this id: the
 * sender as the answer lands, and interrupted-history.ts when the next process finds the item
 * still 'sending' with its sender gone. A kill after the sender's row and before the item's
 * settle (in the outbox) leaves both true, and history's UNIQUE id keeps the second row out,
 * so the answer MPSD gave is not followed by an "outcome unknown" row for the same invite.
 * The attempt number keeps a later attempt (the user queued the item again) a row of its own.
 */
export function attemptRowId(itemId: string, attempt: number): string {
  return `${itemId}-${attempt}`;
}

/** A live send claims each journaled item once: its row is the item's first attempt. */
export const LIVE_ATTEMPT = 1;
