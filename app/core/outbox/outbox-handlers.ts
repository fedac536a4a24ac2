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
  // The flush a caller asked for (one at a time: the store refuses a second), so it can be cancelled.
  let running: AbortController | null = null;
  return {
    listOutbox: async ({ states, limit }) => {
      const items = deps.outbox.list({ states, limit });
      const damaged = deps.outbox.damaged();
      return { items, counts: deps.outbox.counts(), ...(damaged.length > 0 ? { damaged } : {}) };
    },
    flushOutbox: async () => {
      const controller = new AbortController();
      running = controller;
      try {
        return await deps.outbox.flush({ deliver: deps.deliver, signal: controller.signal });
      } finally {
        if (running === controller) running = null;
      }
    },
    cancelOutboxFlush: async () => {
      const controller = running;
      controller?.abort();
      return { cancelled: controller !== null };
    },
    requeueOutboxItem: async ({ id }) => deps.outbox.requeue(id),
    dismissOutboxItem: async ({ id }) => {
      deps.outbox.dismiss(id);
      return { counts: deps.outbox.counts() };
    },
  };
}
