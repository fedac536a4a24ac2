/** A loopback HTTP server that records the outbox item id each POST carries, for outbox tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingServer {
  url: string;
  /** Item ids in the order their requests arrived. */
  received: string[];
  /** When set, the request with this arrival number (1-based) is never answered. */
  holdRequestNumber?: number;
  /** Each answer waits this long, so other processes act while a request is out. */
  answerDelayMs?: number;
  /** Resolves when a request is held. */
  held: Promise<void>;
  /** Answers the held request after all. */
  release(): void;
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  let markHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    markHeld = resolve;
  });
  const openResponses = new Set<ServerResponse>();
  const heldAnswers = new Map<ServerResponse, string>();
  const answer = (response: ServerResponse, itemId: string) => {
    openResponses.delete(response);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ handleId: `handle-for-${itemId}` }));
  };
  const state: CountingServer = {
    url: '',
    received: [],
    held,
    release: () => {
      for (const [response, itemId] of heldAnswers) answer(response, itemId);
      heldAnswers.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of openResponses) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const { itemId } = JSON.parse(body) as { itemId: string };
      state.received.push(itemId);
      if (state.received.length === state.holdRequestNumber) {
        openResponses.add(response);
        heldAnswers.set(response, itemId);
        markHeld();
        return;
      }
      if (state.answerDelayMs === undefined) answer(response, itemId);
      else setTimeout(() => answer(response, itemId), state.answerDelayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/handles`;
  return state;
}
