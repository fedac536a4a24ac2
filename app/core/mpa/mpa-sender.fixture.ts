/**
 * Test set-up for MPA's send path: a loopback endpoint nothing listens on (a call to it is
 * refused before anything is sent: offline), and the MPA sender of one profile, 'dev', over
 * real history, outbox and budget files.
 */
import { createServer } from 'node:net';
import { systemClock } from '../clock.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { AuthorizationSource } from '../ports.ts';
import type { MpaBudgets } from './mpa-budgets.ts';
import { createMpaSender, type MpaSender } from './mpa-sender.ts';

export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A token source that always has this one. */
export const fixedAuthorization = (authorization: string): AuthorizationSource => ({
  current: async () => authorization,
  renew: async () => authorization,
});

/** The sender of profile 'dev' ("Dev profile"), whose MPSD endpoint (MPA is on its origin) is asked at each call. */
export function devProfileSender(
  stores: { history: HistoryStore; outbox: OutboxStore; budgets: MpaBudgets },
  endpoint: () => string,
  authorization: AuthorizationSource,
): MpaSender {
  return createMpaSender({
    fetch: globalThis.fetch,
    clock: systemClock,
    ...stores,
    profile: () => ({ id: 'dev', name: 'Dev profile', sandbox: 'XDKS.1', endpoint: endpoint(), authorization }),
    adHocSender: async () => 'ad-hoc',
  });
}
