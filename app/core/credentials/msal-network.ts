/**
 * msal-node's network module (`system.networkClient`) built on our injected fetch, so that
 * in Electron the Microsoft sign-in goes through `net.fetch` (system proxy, Fiddler) like
 * every other call, and tests see it hit their loopback stand-ins.
 *
 * Loopback authorities: msal-node refuses any authority that is not https, and checks that
 * the OpenID issuer has the authority's scheme and host. A local stand-in speaks plain http
 * on 127.0.0.1. So, for loopback hosts only, the profile gives msal the https form of the
 * stand-in's URL, this module sends the request over http, and it turns the stand-in's
 * `http://127.0.0.1:<port>` URLs in its OpenID metadata back into the https form msal expects.
 * Real hosts are never touched.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { FetchLike } from '../ports.ts';

const DEFAULT_TIMEOUT_MS = 20_000;

/** True for 127.0.0.1, ::1 and localhost: hosts where plain http cannot leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

/** The https form msal needs of a loopback http URL; other URLs unchanged. */
export function msalAuthorityFor(authority: string): string {
  const url = new URL(authority);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) url.protocol = 'https:';
  return url.toString().replace(/\/$/, '');
}

/** An msal INetworkModule that sends through `fetch`, with the loopback mapping above. */
export function createMsalNetwork(fetch: FetchLike, timeoutMs: number = DEFAULT_TIMEOUT_MS): INetworkModule {
  async function send<T>(
    method: 'GET' | 'POST',
    address: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const url = new URL(address);
    const loopback = url.protocol === 'https:' && isLoopbackHost(url.hostname);
    if (loopback) url.protocol = 'http:';
    // No redirects: one would re-send a refresh token or authorization code in the body elsewhere.
    const init: RequestInit = { method, signal: AbortSignal.timeout(timeout ?? timeoutMs), redirect: 'error' };
    if (options?.headers) init.headers = options.headers;
    if (method === 'POST' && options?.body !== undefined) init.body = options.body;
    const response = await fetch(url, init);
    let text = await response.text();
    if (loopback && url.pathname.endsWith('/.well-known/openid-configuration')) {
      text = text.split(`http://${url.host}`).join(`https://${url.host}`);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, headers, body: parseBody(text) as T };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

/** msal reads error fields from JSON bodies; a non-JSON answer becomes an empty object, as msal's own client does. */
function parseBody(text: string): unknown {
  if (text.length === 0) return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
