/**
 * The outbox's counts per state, live: reading `counts` in a component subscribes to
 * `outboxChanged`, so the sidebar badge follows every queue, send and dismissal.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { OutboxCounts } from '../../../app/shared/contract/outbox.ts';
import { api } from '../api.ts';

const none: OutboxCounts = { queued: 0, sending: 0, sent: 0, failed: 0, 'outcome-unknown': 0 };

export class OutboxCounter {
  #counts = $state<OutboxCounts>(none);
  #subscribe = createSubscriber((update) => {
    void this.refresh().then(update);
    return api.on.outboxChanged((change) => {
      this.#counts = change.counts;
      update();
    });
  });

  get counts(): OutboxCounts {
    this.#subscribe();
    return this.#counts;
  }

  /** Items that still need the user or the network: what the sidebar badge counts. */
  get waiting(): number {
    const counts = this.counts;
    return counts.queued + counts.sending + counts.failed + counts['outcome-unknown'];
  }

  async refresh(): Promise<void> {
    const answer = await api.listOutbox({ limit: 1 });
    if (answer.ok) this.#counts = answer.value.counts;
  }

  /** After a flush or dismissal the answer carries fresh counts. */
  set(counts: OutboxCounts): void {
    this.#counts = counts;
  }
}
