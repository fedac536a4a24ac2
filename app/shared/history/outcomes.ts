/**
 * How a recorded request ended, apart from the history channels' schemas: the page lists them
 * (the History screen's filter), and the contract re-exports them, so the page's bundle can leave
 * the history schemas out (its size budget, issue 12).
 */

/** 'ok' = a success status; 'error' = anything else; 'outcome-unknown' = a write that may or may not have landed. */
export const historyOutcomes = ['ok', 'error', 'outcome-unknown'] as const;
export type HistoryOutcome = (typeof historyOutcomes)[number];
