/**
 * Who a token pasted for the local MPSD belongs to. The local MPSD's tokens are opaque (no
 * claims to read), but its control API lists its users with each one's startup Authorization
 * value (GET /_emulator/users), and a user's hash is the same in every token the emulator
 * issues them: the pasted user hash names the user.
 *
 * Only a loopback endpoint is asked (the local MPSD runs on this computer): nothing about a
 * token is sent anywhere, the list is read and compared in core's memory.
 */
import type { FetchLike } from '../ports.ts';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/** A local MPSD answers at once; a port that is something else must not hold up saving the token. */
const LOOKUP_TIMEOUT_MS = 3000;

interface ListedUser {
  xuid?: unknown;
  authorization?: unknown;
}

/** The XUID of the local MPSD user whose user hash is `uhs`, or undefined when it cannot be told. */
export async function emulatorUserXuid(endpoint: string, uhs: string, fetch: FetchLike): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL('_emulator/users', endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.includes(url.hostname)) return undefined;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { users?: unknown };
    const users = Array.isArray(body.users) ? (body.users as ListedUser[]) : [];
    const prefix = `XBL3.0 x=${uhs};`;
    const match = users.find((user) => typeof user.authorization === 'string' && user.authorization.startsWith(prefix));
    return typeof match?.xuid === 'string' ? match.xuid : undefined;
  } catch {
    // Not a local MPSD (or not answering): the user types their XUID in the profile instead.
    return undefined;
  }
}
