/**
 * Flushes the outbox by itself: shortly after something is queued, every so often while
 * items wait (the network or a token may be back), and when a profile's token changes.
 * Delivery decides per item whether it can go now; items that still cannot go return to the
 * queue without a network round trip (see the send service's memo).
 */
import type { Deliver, OutboxStore } from '../outbox/outbox-store.ts';

export interface OutboxFlusher {
  /** Try now (e.g. a token was pasted); a flush already running is not doubled. */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * `isBusy` says a live send is running: its invites sit in the outbox as a journal while they
 * go out, so the flusher waits rather than race it for them.
 */
export function startOutboxFlusher(outbox: OutboxStore, deliver: Deliver, isBusy: () => boolean, intervalMs = 10_000): OutboxFlusher {
  let flushing: Promise<unknown> | null = null;
  let stopped = false;
  const controller = new AbortController();

  const flushIfWaiting = () => {
    if (stopped || flushing || isBusy() || outbox.counts().queued === 0) return;
    flushing = outbox
      .flush({ deliver, signal: controller.signal })
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
