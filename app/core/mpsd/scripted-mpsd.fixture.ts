/**
 * A loopback HTTP server that answers like MPSD from a script, for the client, fan-out and
 * operations tests: each test says what MPSD answers to each call, and afterwards reads what
 * actually arrived (method, path, headers, body), so "sent once" is counted server-side.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArrivedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed when the body was JSON. */
  json?: unknown;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as text/plain (MPSD's error bodies are text). */
  body?: string | object;
}

/**
 * What to do with a call: answer it, never answer (`hang`), or drop the connection without
 * an answer (`drop`), as a crashed or unplugged server would.
 */
export type ScriptStep = ScriptedAnswer | 'hang' | 'drop';

export type MpsdScript = (call: ArrivedCall, index: number) => ScriptStep | Promise<ScriptStep>;

export interface ScriptedMpsd {
  /** `http://127.0.0.1:<port>` */
  url: string;
  calls: ArrivedCall[];
  /** Stops listening and cuts every open connection (later calls meet a closed port). */
  close(): Promise<void>;
}

function write(response: ServerResponse, answer: ScriptedAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let body = '';
  if (typeof answer.body === 'string') {
    body = answer.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (answer.body !== undefined) {
    body = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  response.writeHead(answer.status, headers);
  response.end(body);
}

/**
 * An answer that echoes the caller's Authorization back, as a careless proxy or service might:
 * verbatim in a response header, and in a JSON body that escapes '+' as \u002B and '/' as \/,
 * where a scrubber that only looks at the raw text cannot see it.
 */
export function echoAuthorization(call: ArrivedCall, status = 400): ScriptedAnswer {
  const authorization = String(call.headers.authorization ?? '');
  const escaped = JSON.stringify({ message: `Malformed header: ${authorization}`, authorization })
    .replaceAll('+', '\\u002B')
    .replaceAll('/', '\\/');
  return {
    status,
    headers: { 'X-Echoed-Authorization': authorization, 'content-type': 'application/json; charset=utf-8' },
    body: escaped,
  };
}

/** Starts the server on a free loopback port. */
export async function startScriptedMpsd(script: MpsdScript): Promise<ScriptedMpsd> {
  const calls: ArrivedCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const call: ArrivedCall = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      try {
        if (body !== '') call.json = JSON.parse(body);
      } catch {
        // Not JSON: the test sees the raw text.
      }
      const index = calls.push(call) - 1;
      void Promise.resolve(script(call, index)).then((step) => {
        if (step === 'hang') return;
        if (step === 'drop') {
          request.socket.destroy();
          return;
        }
        write(response, step);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
