/**
 * Reading a request body with a cap, for the emulator's servers (local MPSD and the token
 * services). Bodies they take are small; a bigger one is a client bug, not something to buffer.
 */
import type { IncomingMessage } from 'node:http';

export const BODY_LIMIT_BYTES = 64 * 1024;

export class BodyTooLarge extends Error {}

/** The body as text; rejects with BodyTooLarge once it passes the cap (the rest is drained unread). */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
