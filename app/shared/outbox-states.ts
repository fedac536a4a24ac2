/**
 * The states an outbox item can be in, apart from the outbox channels' schemas: the page lists
 * them (the Outbox screen's filters and counts), and importing them from the contract would
 * ship every outbox schema with them, which the bundler cannot drop (the page's size budget,
 * issue 12). The contract re-exports them.
 */
export const outboxStates = ['queued', 'sending', 'sent', 'failed', 'outcome-unknown'] as const;
export type OutboxState = (typeof outboxStates)[number];
