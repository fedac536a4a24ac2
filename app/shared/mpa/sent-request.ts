/**
 * An MPA wire request as it goes out, with the Authorization placeholder: what Compose's
 * preview shows before a send, laid out as the MPA client sends it (its headers in its order).
 */
import { AUTHORIZATION_PLACEHOLDER, type SentRequest } from '../mpsd/wire.ts';
import { MPA_CONTENT_TYPE, MPA_CONTRACT_VERSION, type MpaWire } from './wire.ts';

export function mpaSentRequest(wire: MpaWire, baseUrl: string): SentRequest {
  const headers: Record<string, string> = { Authorization: AUTHORIZATION_PLACEHOLDER, 'x-xbl-contract-version': MPA_CONTRACT_VERSION };
  if (wire.body !== undefined) headers['Content-Type'] = MPA_CONTENT_TYPE;
  const sent: SentRequest = { method: wire.method, url: `${new URL(baseUrl).origin}${wire.path}`, headers };
  if (wire.body !== undefined) sent.body = JSON.stringify(wire.body);
  return sent;
}
