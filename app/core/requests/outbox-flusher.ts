/**
 * Flushes the outbox by itself: every so often while items wait (the network or a token may
 * be back) and when a profile's token changes. Only items whose backoff is over are tried;
 * items waiting for the user (no token, token refused, profile missing) return to the queue
 * without a network call. A live send's journal is never touched: the store keeps its items
 * out of every flush.
 */
import type { Deliver, OutboxStore } from '../outbox/outbox-store.ts';

export interface OutboxFlusher {
  /** Try now (e.g. a token was pasted); a flush already running is not doubled. */
  poke(): void;
  stop(): Promise<void>;
}

export function startOutboxFlusher(outbox: OutboxStore, deliver: Deliver, intervalMs = 10_000): OutboxFlusher {
  let flushing: Promise<unknown> | null = null;
  let stopped = false;
  const controller = new AbortController();

  const flushIfWaiting = () => {
    if (stopped || flushing || outbox.counts().queued === 0) return;
    flushing = outbox
      .flush({ deliver, signal: controller.signal, dueOnly: true })
      // A failed flush (e.g. the data folder vanished) is retried at the next tick; items keep their state.
      .catch(() => undefined)
      .finally(() => {
        flushing = null;
      });
  };

  const timer = setInterval(flushIfWaiting, intervalMs);
  timer.unref();
  return {
    poke: () => setTimeout(flushIfWaiting, 0).unref(),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      controller.abort();
      await flushing;
    },
  };
}
