/**
 * The HTTP side of the local MPSD: reads requests, applies faults, authenticates, rate
 * limits, runs the matched route and writes the answer with MPSD's correlation headers.
 * Nothing here echoes an Authorization value or token back, not even in a refusal.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ControlTarget } from './control-api.ts';
import { CONTROL_PREFIX, controlAnswer } from './control-api.ts';
import type { EmulatorState, MpsdAnswer } from './exchange.ts';
import type { FaultRule, FaultSwitch } from './faults.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { BODY_LIMIT_BYTES, BodyTooLarge, readBody } from './request-body.ts';
import { matchRoute } from './routes.ts';
import { MpsdRefusal } from './wire-checks.ts';

export interface ServerParts {
  state: EmulatorState;
  faults: FaultSwitch;
  /** null when rate limits are off. */
  limiter: RateLimiter | null;
  control: ControlTarget;
}

export interface RunningServer {
  server: Server;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** MS-CV is a correlation vector: a base64 id and a counter. */
function newCorrelationVector(): string {
  return `${randomBytes(12).toString('base64')}.0`;
}

function send(response: ServerResponse, answer: MpsdAnswer): void {
  const headers: Record<string, string> = {
    'X-XblCorrelationId': randomUUID(),
    'MS-CV': newCorrelationVector(),
    // Recorded MPSD answers carry both (TA line 7): a client or proxy must not cache a session's state.
    'Cache-Control': 'no-cache, no-store',
    'X-Content-Type-Options': 'nosniff',
    ...answer.headers,
  };
  let payload: string | undefined;
  if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (answer.text !== undefined) {
    payload = answer.text;
    headers['Content-Type'] = 'text/plain; charset=utf-8';
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}

function refusalAnswer(error: unknown): MpsdAnswer {
  if (error instanceof MpsdRefusal) {
    return error.json === undefined
      ? { status: error.status, text: error.message, headers: error.headers }
      : { status: error.status, json: error.json, headers: error.headers };
  }
  // A bug in the emulator: answer like a service would, without internals.
  return { status: 500, text: 'The local MPSD failed to handle this request (an emulator bug).' };
}

function pathSegments(pathname: string): string[] {
  try {
    return pathname
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new MpsdRefusal(404, "The requested URI wasn't found.");
  }
}

function faultAnswer(rule: Extract<FaultRule, { kind: 'status' }>): MpsdAnswer {
  const text = rule.text ?? (rule.status === 503 ? 'The service is temporarily unavailable.' : 'Internal server error.');
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) headers['Retry-After'] = String(rule.retryAfterSeconds);
  return { status: rule.status, text, headers };
}

/** Builds the server (not yet listening). `stop` closes it and every open connection, hung ones too. */
export function createMpsdServer(parts: ServerParts): RunningServer {
  const { state, faults, limiter, control } = parts;
  const delays = new Set<NodeJS.Timeout>();

  function answerMpsd(request: IncomingMessage, url: URL, body: string): MpsdAnswer {
    const segments = pathSegments(url.pathname);
    const action = matchRoute(request.method ?? 'GET', segments);
    const authorization = request.headers.authorization;
    const authentication = state.directory.authenticate(authorization);
    if (!authentication.ok) {
      return {
        status: 401,
        text: authentication.reason,
        headers: { 'WWW-Authenticate': `XBL3.0 realm="local-mpsd", error="${authentication.error}"` },
      };
    }
    const caller = authentication.caller;
    // MPA calls spend MPA's own buckets (mpa/mpa-routes.ts), not MPSD's.
    const throttle = segments[0] === 'titles' ? null : (limiter?.admit(`${caller.xuid}/${caller.titleId ?? ''}`) ?? null);
    if (throttle !== null) {
      state.counters.throttled += 1;
      return { status: 429, json: throttle.body, headers: { 'Retry-After': String(throttle.retryAfterSeconds) } };
    }
    return action({ method: request.method ?? 'GET', segments, search: url.searchParams, headers: request.headers, body, caller }, state);
  }

  function answerSafely(compute: () => MpsdAnswer): MpsdAnswer {
    try {
      return compute();
    } catch (error) {
      return refusalAnswer(error);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      send(response, { status: 403, text: 'The local MPSD answers loopback callers only.' });
      return;
    }
    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLarge;
      response.setHeader('Connection', 'close');
      send(response, {
        status: tooLarge ? 413 : 400,
        text: tooLarge ? `The request body is larger than ${BODY_LIMIT_BYTES} bytes.` : 'The request body could not be read.',
      });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://local-mpsd');
    const segments = url.pathname.split('/').slice(1);
    if (segments[0] === CONTROL_PREFIX) {
      const controlRequest = {
        method: request.method ?? 'GET',
        segments: segments.slice(1),
        contentType: request.headers['content-type'],
        body,
      };
      send(
        response,
        answerSafely(() => controlAnswer(controlRequest, control)),
      );
      return;
    }

    state.counters.requests += 1;
    const fault = faults.take(`${url.pathname}${url.search}`);
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    // A hung request is left open; stop() closes its socket.
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      send(response, faultAnswer(fault));
      return;
    }
    if (fault?.kind === 'latency') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          delays.delete(timer);
          resolve();
        }, fault.ms);
        delays.add(timer);
      });
      if (response.destroyed) return;
    }
    send(
      response,
      answerSafely(() => answerMpsd(request, url, body)),
    );
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, refusalAnswer(undefined));
    });
  });
  // A client that stops sending mid-request must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    stop() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      return new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
