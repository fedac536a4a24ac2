/**
 * Stands in for a stored kind, outcome or error code this build does not know (see
 * historySummarySchema). Apart from the contract, so the words for it load without zod.
 */
export const UNRECOGNIZED = 'unrecognized';
