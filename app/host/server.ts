/**
 * Browser mode: the same contract handlers as Electron main, served on 127.0.0.1 so the real
 * renderer runs in any browser against the real core (end-to-end tests, machines without an
 * Electron runtime). Like Jupyter, every run has a random token handed over in the printed
 * URL; every API call must carry it. Host and Origin are checked so a web page cannot reach
 * the API through DNS rebinding or a cross-site request.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Dispatch } from '../core/dispatch.ts';
import type { EventListener } from '../core/event-hub.ts';
import type { ExportDownloads } from './export-downloads.ts';
import {
  API_PATH_PREFIX,
  CALL_PATH_PREFIX,
  DOWNLOAD_PATH_PREFIX,
  EVENTS_PATH,
  pageUrl,
  TOKEN_HEADER,
  TOKEN_PARAM,
} from '../shared/contract/browser-transport.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';

export interface HostOptions {
  dispatch: Dispatch;
  subscribe: (listener: EventListener) => () => void;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  /** History exports offered as one-use download links (see export-downloads.ts). */
  downloads?: ExportDownloads;
}

export interface Host {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

export async function startHost(options: HostOptions): Promise<Host> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Internal error.');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      return send(response, 403, 'text/plain; charset=utf-8', 'This server only answers to 127.0.0.1.');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedHosts.some((allowed) => origin === `http://${allowed}`)) {
      return send(response, 403, 'text/plain; charset=utf-8', 'Cross-origin requests are refused.');
    }
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);

    // A download link is its own credential (one use, unguessable): a clicked link sends no token header.
    if (url.pathname.startsWith(DOWNLOAD_PATH_PREFIX) && request.method === 'GET') {
      const served = await options.downloads?.serve(url.pathname.slice(DOWNLOAD_PATH_PREFIX.length), response);
      if (!served) send(response, 404, 'text/plain; charset=utf-8', 'This download link was used already or has expired: export again.');
      return;
    }
    if (url.pathname.startsWith(API_PATH_PREFIX)) {
      const presented = url.pathname === EVENTS_PATH ? url.searchParams.get(TOKEN_PARAM) : request.headers[TOKEN_HEADER];
      if (typeof presented !== 'string' || !sameToken(presented, token)) {
        return send(response, 401, 'text/plain; charset=utf-8', 'Missing or wrong token: open the URL Handle Studio printed.');
      }
      if (url.pathname === EVENTS_PATH && request.method === 'GET') return openEventStream(response);
      const channelName = url.pathname.startsWith(CALL_PATH_PREFIX) ? url.pathname.slice(CALL_PATH_PREFIX.length) : '';
      if (/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(channelName) && request.method === 'POST') return answerCall(channelName, request, response);
      return send(response, 404, 'text/plain; charset=utf-8', 'No such API.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
    }
    return serveStatic(url.pathname, response);
  }

  async function answerCall(channelName: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/json')) {
      return send(response, 415, 'text/plain; charset=utf-8', 'Send the call as application/json.');
    }
    const body = await readBody(request);
    if (body === null) {
      response.setHeader('connection', 'close');
      response.on('finish', () => request.destroy());
      return send(response, 413, 'text/plain; charset=utf-8', 'The request is larger than 1 MiB.');
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      return sendJson(response, 400, { ok: false, error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' } });
    }
    sendJson(response, 200, await options.dispatch(channelName, input));
  }

  function openEventStream(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    streams.add(response);
    response.on('close', () => streams.delete(response));
  }

  const unsubscribe = options.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      // A stray '%' (e.g. /%E0%A4%A or /100%) is the client's mistake, not a server fault.
      return send(response, 400, 'text/plain; charset=utf-8', 'Malformed percent-encoding in the path.');
    }
    const relative = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const file = normalize(join(options.staticDir, relative));
    if (!file.startsWith(normalize(options.staticDir) + sep)) return send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return send(response, 404, 'text/plain; charset=utf-8', 'Not found.');
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    response.end(content);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: pageUrl(origin, token),
    origin,
    token,
    close: async () => {
      unsubscribe();
      options.downloads?.close();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; the caller answers 413 and then closes the connection.
        request.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
