/**
 * Flushes the outbox by itself: every so often while items wait (the network or a token may
 * be back) and when a profile's token changes. The store decides what goes: only items whose
 * backoff is over, and never the invites a live send is still working through (those are that
 * send's, not the queue's).
 *
 * A flush that throws (the outbox file cannot be read or written) changes no item, and the next
 * tick tries again. One such failure can be a passing hiccup; several in a row mean queued
 * invites are stuck, so that is reported once through `onTrouble`, and the all-clear once a
 * flush works again.
 */
import { toAppError, type AppError } from '../../shared/errors.ts';
import type { Deliver, OutboxStore } from '../outbox/outbox-store.ts';

export interface OutboxFlusher {
  /** Try now (e.g. a token was pasted); a flush already running is not doubled. */
  poke(): void;
  stop(): Promise<void>;
}

export interface OutboxFlusherOptions {
  /** How often waiting items are tried (ms). */
  intervalMs?: number;
  /** Failed flushes in a row before it is reported. */
  reportAfter?: number;
  /** The error of the flush that made it `reportAfter` failures in a row; then null when a flush works again. */
  onTrouble?: (problem: AppError | null) => void;
}

export function startOutboxFlusher(outbox: OutboxStore, deliver: Deliver, options: OutboxFlusherOptions = {}): OutboxFlusher {
  const { intervalMs = 10_000, reportAfter = 3, onTrouble = () => undefined } = options;
  let flushing: Promise<void> | null = null;
  let stopped = false;
  let failuresInARow = 0;
  const controller = new AbortController();

  const failed = (thrown: unknown) => {
    const problem = toAppError(thrown);
    // The user's own flush is running: that is not trouble, and it will send what is due.
    if (problem.code === 'CONFLICT') return;
    failuresInARow += 1;
    if (failuresInARow === reportAfter) onTrouble(problem);
  };
  const worked = () => {
    if (failuresInARow >= reportAfter) onTrouble(null);
    failuresInARow = 0;
  };

  const flushIfWaiting = () => {
    if (stopped || flushing) return;
    try {
      if (outbox.counts().queued === 0) return worked();
    } catch (thrown) {
      // Even counting failed: the same stuck outbox, and a timer callback must never throw.
      return failed(thrown);
    }
    flushing = outbox
      .flush({ deliver, signal: controller.signal, dueOnly: true })
      .then(worked, failed)
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
