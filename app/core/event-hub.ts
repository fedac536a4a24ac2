/**
 * Events from core to whoever shows them (Electron's webContents, the host's Server-Sent
 * Events stream, the CLI). Payloads are parsed by their contract schema on the way out, so a
 * listener only ever sees what the contract allows.
 */
import type * as z from '../shared/zod.ts';
import type { EventMap, EventPublisher } from '../shared/contract/define.ts';

export type EventListener = (name: string, payload: unknown) => void;

export interface EventHub<E extends EventMap> {
  publish: EventPublisher<E>;
  /** Every event, by name; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
}

export function createEventHub<E extends EventMap>(events: E): EventHub<E> {
  const listeners = new Set<EventListener>();
  return {
    publish(name, payload) {
      const parsed = (events[name]!.payload as z.ZodMiniType).safeParse(payload);
      if (!parsed.success) throw new Error(`Event "${name}" does not match its contract.`);
      for (const listener of listeners) listener(name, parsed.data);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
