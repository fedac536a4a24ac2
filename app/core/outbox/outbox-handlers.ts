import type { HandlersFor } from '../../shared/contract/define.ts';
import type { outboxChannels } from '../../shared/contract/outbox.ts';
import type { Deliver, OutboxStore } from './outbox-store.ts';

export interface OutboxHandlerDeps {
  outbox: OutboxStore;
  /** Sends one item with the profile's current token (the lead's send pipeline). */
  deliver: Deliver;
}

/** The outbox channels, answered from the store; flushing uses the injected deliver. */
export function createOutboxHandlers(deps: OutboxHandlerDeps): HandlersFor<typeof outboxChannels> {
  return {
    listOutbox: async ({ states, limit }) => ({ items: deps.outbox.list({ states, limit }), counts: deps.outbox.counts() }),
    flushOutbox: async () => deps.outbox.flush({ deliver: deps.deliver }),
    requeueOutboxItem: async ({ id }) => deps.outbox.requeue(id),
    dismissOutboxItem: async ({ id }) => {
      deps.outbox.dismiss(id);
      return { counts: deps.outbox.counts() };
    },
  };
}
